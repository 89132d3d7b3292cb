import GatewayCrypto
import GatewayJSON

/// The lines the writer adds around the records: where a run of the gateway opens the log,
/// where it closes it, and where the signing key changes. `audit verify` reads them back by
/// the names defined here.
public enum AuditRunLine {
    /// Why the log was opened, as the `opened` line's `reason` says.
    public enum OpenReason: String, Sendable {
        /// The gateway started (a new run).
        case start
        /// Writing failed and works again, in the same run.
        case recovered
        /// A new run that continues after lines the witness saw were lost (`audit accept-loss`).
        case loss
    }

    /// What an operator accepted as lost: the log ends before checkpoints its witness holds.
    public struct Loss: Sendable, Equatable {
        /// `seq` of the witness's last checkpoint line, which the log no longer reaches or holds.
        public var witnessSeq: Int
        /// SHA-256 (hex) of that witness line's bytes.
        public var witnessLineSHA256: String
        /// The operator's words: what happened and who accepted it.
        public var note: String

        public init(witnessSeq: Int, witnessLineSHA256: String, note: String) {
            self.witnessSeq = witnessSeq
            self.witnessLineSHA256 = witnessLineSHA256
            self.note = note
        }

        /// The `loss` member of an `opened` line, or `nil` when it has none or it is not valid.
        public init?(json: JSON?) {
            guard let json, let seq = json["witness_seq"]?.integer, let hash = json["witness_line_sha256"]?.string,
                  let note = json["note"]?.string
            else { return nil }
            self.init(witnessSeq: seq, witnessLineSHA256: hash, note: note)
        }

        /// Writes the `loss` member's object.
        func write(to output: inout JSONOutput) {
            output.beginObject()
            output.key("witness_seq")
            output.integer(witnessSeq)
            output.key("witness_line_sha256")
            output.string(witnessLineSHA256)
            output.key("note")
            output.string(note)
            output.endObject()
        }
    }

    /// An `opened` line: `checkpoint_every_records` is informative only (the cadence `audit verify`
    /// holds a log to is the operator's, never the log's own word).
    public static func opened(reason: OpenReason, repairedBytes: Int, checkpointEvery: Int, loss: Loss? = nil,
                              time: Timestamp = .now()) -> [UInt8] {
        var line = AuditLineBody(.opened, time: time, capacity: 256 + (loss?.note.utf8.count ?? 0))
        line.output.key("reason")
        line.output.string(reason.rawValue)
        line.output.key("repaired_bytes")
        line.output.integer(repairedBytes)
        line.output.key("checkpoint_every_records")
        line.output.integer(checkpointEvery)
        if let loss {
            line.output.key("loss")
            loss.write(to: &line.output)
        }
        return line.finished()
    }

    /// A `closed` line: the run stopped gracefully. The signed checkpoint after it covers it, so
    /// a clean end cannot be claimed for a log the gateway did not close.
    public static func closed(time: Timestamp = .now()) -> [UInt8] {
        var line = AuditLineBody(.closed, time: time)
        return line.finished()
    }

    /// Why the signing key changed, as the `key` line's `reason` says.
    public enum KeyChangeReason: String, Sendable {
        /// SIGHUP with a changed `audit.signing_key_file` (path or contents).
        case reload
        /// The gateway started with a key other than the one that signed the log's last checkpoint.
        case start
    }

    /// A `key` line: checkpoints after it are signed by `keyID` (and only by it).
    public static func key(_ keyID: String, previous: String?, reason: KeyChangeReason, time: Timestamp = .now()) -> [UInt8] {
        var line = AuditLineBody(.key, time: time)
        line.output.key("key_id")
        line.output.string(keyID)
        line.output.key("previous_key_id")
        line.output.string(orNull: previous)
        line.output.key("reason")
        line.output.string(reason.rawValue)
        return line.finished()
    }
}
