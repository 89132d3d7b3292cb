import CLISupport
import GatewayCore
import GatewayJSON
import Glibc

/// What `audit tail` and `audit search` share: their filters and how they print records, for a
/// person to read (a table, on a terminal) or for another program (JSON lines, exactly as in the log).
extension AuditCommand {
    /// How records are printed: `--format table|json`, by default a table on a terminal.
    enum RecordFormat: String {
        case table, json

        static func chosen(_ arguments: inout Arguments) throws(ArgumentError) -> RecordFormat {
            guard let name = try arguments.option("--format") else { return isatty(STDOUT_FILENO) == 1 ? .table : .json }
            guard let format = RecordFormat(rawValue: name) else { throw ArgumentError("--format must be table or json, not '\(name)'") }
            return format
        }
    }

    /// What `audit search` keeps: access records meeting every given filter.
    struct RecordFilter {
        var since: Timestamp?
        /// Exclusive, so `--since DAY --until NEXT-DAY` is one whole day.
        var until: Timestamp?
        var client: String?
        var role: String?
        var property: String?
        /// Part of the purpose (a case number inside `登记案件 2026-0042`), personal data in it masked as the log has it.
        var purpose: String?
        var requestID: String?
        var status: HTTPStatusPattern?

        init(_ arguments: inout Arguments) throws(ArgumentError) {
            since = try Self.time(arguments.option("--since"), "--since")
            until = try Self.time(arguments.option("--until"), "--until")
            client = try arguments.option("--client")
            role = try arguments.option("--role")
            property = try arguments.option("--property")
            // The log keeps an ID card or phone number typed into a purpose masked (README, Audit
            // log): masked the same way, the number as the auditor has it finds the record.
            purpose = try arguments.option("--purpose").map(Purpose.audited)
            requestID = try arguments.option("--request-id")
            status = try arguments.option("--status").map { text throws(ArgumentError) in
                guard let pattern = HTTPStatusPattern(text) else {
                    throw ArgumentError("--status must be an HTTP status such as 503 or a class such as 5xx, not '\(text)'")
                }
                return pattern
            }
        }

        private static func time(_ text: String?, _ option: String) throws(ArgumentError) -> Timestamp? {
            guard let text else { return nil }
            guard let time = Timestamp(rfc3339: text) else {
                throw ArgumentError("\(option) must be an RFC 3339 time such as 2026-11-29T00:00:00Z, or a date, not '\(text)'")
            }
            return time
        }

        func matches(_ record: JSON) -> Bool {
            guard record["type"]?.string == AuditRecordType.access.rawValue else { return false }
            if let since, !(record["time"]?.string.flatMap(Timestamp.init(rfc3339:)).map { $0 >= since } ?? false) { return false }
            if let until, !(record["time"]?.string.flatMap(Timestamp.init(rfc3339:)).map { $0 < until } ?? false) { return false }
            if let client, record["client"]?.string != client { return false }
            if let role, record["role"]?.string != role { return false }
            if let property, record["property_id"]?.string != property { return false }
            if let purpose, !(record["purpose"]?.string?.contains(purpose) ?? false) { return false }
            if let requestID, record["request_id"]?.string != requestID { return false }
            if let status, !(record["http_status"]?.integer.map(status.matches) ?? false) { return false }
            return true
        }
    }

    /// `503` (exactly) or `5xx` (the class).
    struct HTTPStatusPattern {
        private let low: Int, high: Int

        init?(_ text: String) {
            let bytes = Array(text.utf8)
            guard bytes.count == 3, (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[0]) else { return nil }
            if text.dropFirst() == "xx" {
                low = Int(bytes[0] - UInt8(ascii: "0")) * 100
                high = low + 99
            } else {
                guard let status = Int(text) else { return nil }
                (low, high) = (status, status)
            }
        }

        func matches(_ status: Int) -> Bool {
            (low...high).contains(status)
        }
    }

    /// Prints audit lines as `format` asks.
    static func printRecords(_ lines: [String], format: RecordFormat) {
        switch format {
        case .json:
            lines.forEach { Terminal.print($0) }
        case .table:
            let rows = lines.map { line in (try? JSON.parse(line)).map(AuditTable.row) ?? AuditTable.unreadable(line) }
            // Escaped before the columns are measured: a cell is shown as wide as it is printed.
            AuditTable.render(rows.map { $0.map(TerminalText.escaped) }).forEach { Terminal.print($0) }
        }
    }
}
