import GatewayCore
import GatewayJSON
import Glibc
import Synchronization

/// Operational log lines: one JSON object per line on stderr (`time`, `level`, `msg`, then
/// fields such as `request_id` and `trace_id`), easy to ship and to grep.
public enum EventLog {
    private static let threshold = Atomic<Int>(LogLevel.allCases.firstIndex(of: .info)!)

    /// Lines below `level` are dropped.
    public static func setLevel(_ level: LogLevel) {
        threshold.store(LogLevel.allCases.firstIndex(of: level)!, ordering: .relaxed)
    }

    public static func debug(_ message: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        write(.debug, message, fields)
    }

    public static func info(_ message: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        write(.info, message, fields)
    }

    public static func warning(_ message: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        write(.warning, message, fields)
    }

    public static func error(_ message: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        write(.error, message, fields)
    }

    /// `fields` is only evaluated for a line that is written: a debug line per request costs
    /// nothing at the default level.
    private static func write(_ level: LogLevel, _ message: String, _ fields: () -> KeyValuePairs<String, String>) {
        guard LogLevel.allCases.firstIndex(of: level)! >= threshold.load(ordering: .relaxed) else { return }
        let line = JSON.object(["time": JSON(Timestamp.now().rfc3339), "level": JSON(level.rawValue), "msg": JSON(message)])
        for (key, value) in fields() { line[key] = JSON(value) }
        let bytes = line.encoded() + [UInt8(ascii: "\n")]
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
