import GatewayCrypto

/// Checks audit files line by line: the chain's links and sequence, checkpoint signatures and
/// the operator's cadence, key changes, and the witness. Stops at the first problem and says
/// what it looks like and where. `AuditVerification` does the work, a file at a time.
public enum AuditVerifier {
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int

        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }

        public var description: String { "\(file):\(line)" }
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// A line that is not an audit record at all.
            case malformed
            /// A line whose content changed after it was written.
            case edited
            /// Records missing from the middle of the chain.
            case deleted
            /// Records out of order.
            case reordered
            /// The last line was cut off.
            case truncated
            /// A checkpoint whose signature does not verify, or whose key was not given.
            case badSignature = "bad signature"
            /// More lines without a signed checkpoint than the operator's cadence allows:
            /// checkpoints were removed (or the log was rewritten without them).
            case unsigned = "missing checkpoint"
            /// A checkpoint signed by another key than the one the log says signs, with no `key` line between.
            case keyChange = "unannounced key change"
            /// A witnessed checkpoint that the log does not hold, or holds changed.
            case witness = "witness mismatch"
        }

        public var kind: Kind
        public var location: Location
        public var detail: String

        public init(kind: Kind, location: Location, detail: String) {
            self.kind = kind
            self.location = location
            self.detail = detail
        }

        public var description: String { "\(location): \(kind.rawValue): \(detail)" }
    }

    /// A loss an operator accepted (`audit accept-loss`): recorded, signed and witnessed, and
    /// always shown.
    public struct RecordedLoss: Sendable, Equatable {
        /// The `opened` line that records it.
        public var location: Location
        /// `seq` of that line: the log continues from the line before it.
        public var seq: Int
        /// The witness's last checkpoint before the loss; witnessed checkpoints from `seq` up to
        /// here are excused from being in the log.
        public var witnessSeq: Int
        public var note: String

        public init(location: Location, seq: Int, witnessSeq: Int, note: String) {
            self.location = location
            self.seq = seq
            self.witnessSeq = witnessSeq
            self.note = note
        }
    }

    /// How the newest run (from its `opened` line on) ends.
    public struct NewestRun: Sendable, Equatable {
        /// Its `opened` line; `nil` when the verified lines hold none (a `--partial` segment).
        public var openedAt: Location?
        /// It ends with a `closed` line (and the checkpoint after it): the gateway stopped
        /// gracefully. Otherwise it is still running, or it ended uncleanly (crash, kill -9).
        public var closed: Bool

        public init(openedAt: Location?, closed: Bool) {
            self.openedAt = openedAt
            self.closed = closed
        }
    }

    public struct Report: Sendable, Equatable {
        public var lines = 0
        public var firstSeq: Int?
        public var lastSeq: Int?
        public var checkpoints = 0
        public var verifiedSignatures = 0
        /// Lines after the last verified checkpoint: protected by the chain only.
        public var linesAfterLastVerifiedCheckpoint = 0
        /// Ids of the keys that signed verified checkpoints, in the order they took over.
        public var signingKeys: [String] = []
        public var newestRun: NewestRun?
        /// Last lines of earlier runs that ended without a `closed` line (crash, kill -9).
        public var uncleanEnds: [Location] = []
        public var losses: [RecordedLoss] = []
        /// Witness lines found, byte for byte, in the log.
        public var witnessedCheckpoints = 0
        /// Witness lines excused by a recorded loss.
        public var lostWitnessedCheckpoints = 0
        /// Witness lines before the verified segment's first line (`--partial`), not checked.
        public var witnessLinesBeforeStart = 0
        /// Bytes of a torn last witness line, ignored.
        public var witnessTornBytes = 0
        /// With `stopAfterCheckpointCovering`, the checkpoint that covers that seq; verification stops there.
        public var coveringCheckpoint: Location?
        /// With `stopAfterCheckpointCovering`, the SHA-256 of the chain's line at that seq: a record
        /// read from anywhere else (another file, or after the checkpoint) proves nothing unless its
        /// bytes are this line's.
        public var coveredLineSHA256: [UInt8]?
        public var problem: Problem?

        public var isIntact: Bool { problem == nil }
    }

    /// Verifies `files` (name and content) as one chain in the given order. See `AuditVerification`.
    public static func verify(files: [(name: String, content: [UInt8])], publicKeys: [Ed25519.PublicKey] = [],
                              checkpointEvery: Int = AuditConfig.defaultCheckpointEveryRecords,
                              witness: AuditWitness? = nil) -> Report {
        var verification = AuditVerification(publicKeys: publicKeys, checkpointEvery: checkpointEvery, witness: witness)
        for file in files { verification.check(file: file.name, content: file.content) }
        return verification.finish()
    }
}
