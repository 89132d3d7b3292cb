import GatewayCore
import GatewayJSON
import Glibc

/// Operational log lines: one JSON object per line on stderr, easy to ship and to grep.
public enum EventLog {
    public static func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(level: "info", message, fields)
    }

    public static func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(level: "error", message, fields)
    }

    private static func write(level: String, _ message: String, _ fields: KeyValuePairs<String, String>) {
        let line = JSON.object(["time": JSON(Timestamp.now().rfc3339), "level": JSON(level), "msg": JSON(message)])
        for (key, value) in fields { line[key] = JSON(value) }
        let bytes = line.encoded() + [UInt8(ascii: "\n")]
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
