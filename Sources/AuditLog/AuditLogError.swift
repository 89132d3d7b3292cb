/// Why an audit record could not be made durable; the request it belongs to gets no data.
public enum AuditLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Writing or syncing failed (disk full, I/O error, folder missing); the log retries by itself.
    case unavailable(String)
    /// The last complete line of the newest file is not an audit record: the chain cannot be continued.
    case corruptTail(path: String, reason: String)
    case closed

    public var description: String {
        switch self {
        case .unavailable(let reason): "the audit log cannot be written: \(reason)"
        case .corruptTail(let path, let reason):
            "the last line of \(path) is not an audit record (\(reason)); run `exchange-gateway audit verify` and move the file aside"
        case .closed: "the audit log is closed"
        }
    }
}
