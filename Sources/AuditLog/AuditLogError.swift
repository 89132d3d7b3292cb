/// Why an audit record could not be made durable, or the log not opened; the request a record
/// belongs to gets no data.
public enum AuditLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Writing or syncing failed (disk full, I/O error, folder missing); the log retries by itself.
    case unavailable(String)
    /// The record was not durable within `audit.append_timeout_ms` (a hung disk); it may still
    /// reach the disk later.
    case timedOut(milliseconds: Int)
    /// The last complete line of the newest file is not an audit record: the chain cannot be continued.
    case corruptTail(path: String, reason: String)
    /// A line of the log's tail (since its last checkpoint) does not link to the one before it:
    /// the tail was changed, and continuing would sign over the change.
    case brokenTail(path: String, reason: String)
    /// The log ends before the last checkpoint its witness holds: its tail was cut, or lost.
    case behindWitness(log: String, logSeq: Int, witness: String, witnessSeq: Int)
    /// The log holds another line at the `seq` of the witness's last checkpoint.
    case witnessMismatch(log: String, witness: String, seq: Int)
    /// `audit accept-loss` found the log not behind its witness: there is no loss to record.
    case nothingToAccept(log: String, logSeq: Int, witness: String)
    case closed

    /// The log cannot be continued as it is: a human must look (start is refused). The other
    /// errors pass by themselves.
    public var refusesStart: Bool {
        switch self {
        case .corruptTail, .brokenTail, .behindWitness, .witnessMismatch, .nothingToAccept: true
        case .unavailable, .timedOut, .closed: false
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason): "the audit log cannot be written: \(reason)"
        case .timedOut(let milliseconds):
            "the audit record was not on disk within \(milliseconds) ms (audit.append_timeout_ms); the disk may hang"
        case .corruptTail(let path, let reason):
            "the last line of \(path) is not an audit record (\(reason)); run `exchange-gateway audit verify` and move the file aside"
        case .brokenTail(let path, let reason):
            "the end of the audit log does not form a chain: \(path): \(reason); run `exchange-gateway audit verify` "
                + "to see what changed"
        case .behindWitness(let log, let logSeq, let witness, let witnessSeq):
            "the audit log ends at seq \(logSeq) (\(log)), but its witness \(witness) holds a checkpoint at seq \(witnessSeq): "
                + "lines were cut or lost; run `exchange-gateway audit verify --witness \(witness)`, restore the lines, "
                + "or record the loss with `exchange-gateway audit accept-loss`"
        case .witnessMismatch(let log, let witness, let seq):
            "the audit log (\(log)) holds another line at seq \(seq) than the checkpoint its witness \(witness) holds there: "
                + "the log was changed; run `exchange-gateway audit verify --witness \(witness)`"
        case .nothingToAccept(let log, let logSeq, let witness):
            "the audit log (\(log), seq \(logSeq)) is not behind its witness \(witness): there is no loss to record"
        case .closed: "the audit log is closed"
        }
    }
}
