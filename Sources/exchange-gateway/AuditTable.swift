import CLISupport
import GatewayJSON

/// Audit lines as a table for a person at a terminal: one row per line, columns padded by
/// display width (a Chinese character takes two columns), long purposes cut.
enum AuditTable {
    static let header = ["SEQ", "TIME (UTC)", "STATUS", "MS", "CLIENT", "ROLE", "PROPERTY", "PURPOSE", "REQUEST ID"]
    /// Display columns a purpose may take before it is cut with `…`.
    static let purposeWidth = 32

    /// The row of one audit line: an access record's who, why, what and outcome; for a
    /// checkpoint or an opened line its type, and what it says in the purpose column.
    static func row(_ record: JSON) -> [String] {
        let text = { (key: String) in record[key]?.string ?? "" }
        let number = { (key: String) in record[key]?.integer.map(String.init) ?? "" }
        let time = text("time").replacing("T", with: " ").replacing("Z", with: "")
        switch record["type"]?.string {
        case "access":
            // A batch answer's own record names no property but its items (README, Audit log).
            let property = record["batch_items"].map { "batch of \($0.count)" } ?? text("property_id")
            return [number("seq"), time, number("http_status"), number("latency_ms"), text("client"), text("role"),
                    property, cut(text("purpose")), text("request_id")]
        case "checkpoint":
            return [number("seq"), time, "checkpoint", "", "", "", "", "signed, key " + text("key_id"), ""]
        case let type?:
            return [number("seq"), time, type, "", "", "", "", text("reason"), ""]
        case nil:
            return [number("seq"), time, "?", "", "", "", "", "", ""]
        }
    }

    /// A line that is not JSON (the verifier says why; the table only shows it is there).
    static func unreadable(_ line: String) -> [String] {
        ["", "", "unreadable", "", "", "", "", cut(line), ""]
    }

    /// The header and `rows`, each column as wide as its widest cell.
    static func render(_ rows: [[String]]) -> [String] {
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { displayWidth($0[column]) }.max() ?? 0 }
        return table.map { cells in
            zip(cells, widths).map { cell, width in cell + String(repeating: " ", count: width - displayWidth(cell)) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    private static func cut(_ text: String) -> String {
        guard displayWidth(text) > purposeWidth else { return text }
        var kept = ""
        for character in text {
            if displayWidth(kept + String(character)) > purposeWidth - 1 { break }
            kept.append(character)
        }
        return kept + "…"
    }

    /// Columns `text` takes in a terminal: two for East Asian wide and full-width characters.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width + 2
            case 0x0300...0x036F, 0x200B...0x200F:
                width
            default:
                width + 1
            }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
