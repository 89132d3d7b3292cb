import GatewayCrypto

/// Checks audit files line by line: the chain's links and sequence, and checkpoint
/// signatures. Stops at the first problem and says what it looks like and where.
public enum AuditVerifier {
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var description: String { "\(file):\(line)" }
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
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
            /// A checkpoint whose signature does not verify.
            case badSignature = "bad signature"
            /// More records without a signed checkpoint than the writer ever leaves: checkpoints
            /// were removed (or the log was rewritten without them).
            case unsigned = "missing checkpoint"
        }

        public var kind: Kind
        public var location: Location
        public var detail: String

        public var description: String { "\(location): \(kind.rawValue): \(detail)" }
    }

    public struct Report: Sendable, Equatable {
        public var lines = 0
        public var firstSeq: Int?
        public var lastSeq: Int?
        public var checkpoints = 0
        public var verifiedSignatures = 0
        /// Lines after the last verified checkpoint: protected by the chain only.
        public var linesAfterLastVerifiedCheckpoint = 0
        public var problem: Problem?

        public var isIntact: Bool { problem == nil }
    }

    /// Verifies `files` (name and content) as one chain in the given order. Without
    /// `publicKey`, checkpoint signatures are not checked.
    ///
    /// With `publicKey`, missing checkpoints are a problem too: the writer signs one after
    /// exactly every `audit.checkpoint_every_records` lines since the last checkpoint (or since
    /// it opened the log), and its `opened` line states that number, which its run is held to.
    /// A run whose `opened` line states none (written before the writer did, or a `--partial`
    /// segment that starts after its `opened` line) gets up to twice `checkpointEvery`: that
    /// writer signed at the end of the batch that reached the cadence. The count starts over at
    /// every `opened` line: a crash leaves the lines after the last checkpoint unsigned, and a
    /// log still being written has not reached its next one.
    public static func verify(files: [(name: String, content: [UInt8])], publicKey: Ed25519.PublicKey?,
                              checkpointEvery: Int = AuditConfig.defaultCheckpointEveryRecords) -> Report {
        precondition(checkpointEvery > 0, "checkpointEvery must be positive")
        let lines = files.flatMap { file in split(file.content).enumerated().map { (Location(file: file.name, line: $0.offset + 1), $0.element) } }
        let unstatedMaximum = 2 * checkpointEvery
        var maxUnsignedRun = unstatedMaximum
        var report = Report()
        var previous: (location: Location, seq: Int, hash: [UInt8])?
        var unsignedRun = 0
        for (index, (location, line)) in lines.enumerated() {
            func fail(_ kind: Problem.Kind, at problemLocation: Location? = nil, _ detail: String) -> Report {
                report.problem = Problem(kind: kind, location: problemLocation ?? location, detail: detail)
                return report
            }
            guard line.isComplete else {
                return fail(.truncated, "the last line is cut off (\(line.bytes.count) bytes without a newline)")
            }
            let fields: AuditLineFields
            do { fields = try AuditLineFields(Array(line.bytes)) } catch { return fail(.malformed, "not an audit record: \(error)") }

            if let previous {
                let expected = previous.seq + 1
                if fields.prev == previous.hash {
                    if fields.seq != expected { return fail(.edited, "seq is \(fields.seq) where \(expected) follows the line before") }
                } else if fields.seq == expected {
                    return fail(.edited, at: previous.location, "its hash no longer matches the link in the next line")
                } else if fields.seq > expected {
                    let laterSeqs = lines[(index + 1)...].lazy.compactMap { try? AuditLineFields(Array($0.1.bytes)).seq }
                    if laterSeqs.contains(expected) {
                        return fail(.reordered, "seq \(fields.seq) comes before seq \(expected)")
                    }
                    let missing = expected == fields.seq - 1 ? "record \(expected) is" : "records \(expected)–\(fields.seq - 1) are"
                    return fail(.deleted, "\(missing) missing before this line")
                } else {
                    return fail(.reordered, "seq \(fields.seq) after seq \(previous.seq)")
                }
            } else if fields.seq == 1, fields.prev != AuditChain.genesis {
                return fail(.edited, "the first record must link to the genesis hash")
            }

            if fields.type == AuditRecordType.checkpoint.rawValue {
                report.checkpoints += 1
                if let publicKey {
                    guard let signatureText = fields.json["signature"]?.string, let signature = Hex.decode(signatureText),
                          publicKey.isValidSignature(signature, for: AuditCheckpoint.message(seq: fields.seq, head: fields.prev))
                    else {
                        return fail(.badSignature, "the checkpoint's signature does not verify with key \(AuditCheckpoint.keyID(of: publicKey))")
                    }
                    report.verifiedSignatures += 1
                    report.linesAfterLastVerifiedCheckpoint = -1
                    unsignedRun = -1
                }
            } else if fields.type == AuditRecordType.opened.rawValue {
                unsignedRun = 0
                maxUnsignedRun = fields.json["checkpoint_every_records"]?.integer.flatMap { $0 > 0 ? $0 : nil } ?? unstatedMaximum
            }
            unsignedRun += 1
            if publicKey != nil, unsignedRun > maxUnsignedRun {
                return fail(.unsigned, "\(unsignedRun) lines in a row without a signed checkpoint, where at most "
                            + "\(maxUnsignedRun) may be (checkpoint_every_records)")
            }
            report.lines += 1
            report.linesAfterLastVerifiedCheckpoint += 1
            report.firstSeq = report.firstSeq ?? fields.seq
            report.lastSeq = fields.seq
            previous = (location, fields.seq, Digest.sha256(line.bytes))
        }
        return report
    }

    private struct Line {
        var bytes: ArraySlice<UInt8>
        var isComplete: Bool
    }

    /// Lines of `content`; a last line without a newline is marked incomplete.
    private static func split(_ content: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        for index in content.indices where content[index] == UInt8(ascii: "\n") {
            lines.append(Line(bytes: content[start..<index], isComplete: true))
            start = index + 1
        }
        if start < content.count {
            lines.append(Line(bytes: content[start...], isComplete: false))
        }
        return lines
    }
}
