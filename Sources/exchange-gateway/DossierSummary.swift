import CLISupport
import GatewayJSON

/// A dossier as lines for a person at a terminal, printed by `demo` and by `dossier` (unless
/// `--json`): the outcome, each department's status, what the checks found or could not check,
/// then each department's data as an indented list. The departments' text is shown escaped
/// (`TerminalText`): a control character or line break in it cannot act on the terminal or
/// start a line of its own.
enum DossierSummary {
    /// - Parameters:
    ///   - body: the dossier's body, as the gateway answers it.
    ///   - httpStatus: its HTTP status; `latencyMs`: how long it took to get.
    static func lines(of body: [UInt8], httpStatus: Int, latencyMs: Int) -> [String] {
        guard let dossier = try? JSON.parse(body) else { return ["  HTTP \(httpStatus): the answer is not JSON"] }
        var lines = ["  HTTP \(httpStatus), complete: \(dossier["complete"]?.bool == true), \(latencyMs) ms, "
            + "request_id \(dossier["request_id"]?.string ?? "?")"]
        let sections = dossier["sources"]?.members ?? []
        for (name, section) in sections {
            let status = section["status"]?.string ?? "?"
            let latency = section["latency_ms"]?.integer ?? 0
            let detail = section["error"]?.string.map { " — \($0)" } ?? ""
            lines.append("  \(name.padded(to: 5)) \(status.padded(to: 16)) \(String(latency).padded(to: 5, left: true)) ms\(detail)")
        }
        let findings = dossier["findings"]?.elements ?? []
        lines.append(findings.isEmpty ? "  findings: none" : "  findings:")
        for finding in findings {
            let differing = finding["differing_sources"]?.elements.compactMap(\.string) ?? []
            let odd = differing.isEmpty ? "" : " (differs: \(differing.joined(separator: ", ")))"
            lines.append("    \((finding["severity"]?.string ?? "?").padded(to: 8)) \(finding["code"]?.string ?? "?"): "
                + (finding["message"]?.string ?? "") + odd)
        }
        let skipped = (dossier["skipped_checks"]?.elements ?? []).map { check in
            "\(check["code"]?.string ?? "?") (\(check["reason"]?.string ?? "?"): "
                + (check["sources"]?.elements.compactMap(\.string).joined(separator: ", ") ?? "") + ")"
        }
        if !skipped.isEmpty { lines.append("  not checked: " + skipped.joined(separator: ", ")) }
        for (name, section) in sections {
            guard let data = section["data"] else { continue }
            lines.append("  \(name):")
            lines += Self.lines(of: data, depth: 2)
            let withheld = section["withheld"]?.elements.compactMap(\.string) ?? []
            if !withheld.isEmpty {
                let more = section["withheld_more"]?.integer.map { " and \($0) more" } ?? ""
                lines.append("    withheld for this role: " + withheld.joined(separator: ", ") + more)
            }
        }
        return lines.map(TerminalText.escaped)
    }

    /// The members or elements of `value`, one per line (`key: value`, `#1:` for elements),
    /// containers on their own line with their content indented under them.
    private static func lines(of value: JSON, depth: Int) -> [String] {
        let indent = String(repeating: "  ", count: depth)
        let entries: [(String, JSON)] = value.kind == .array
            ? value.elements.enumerated().map { ("#\($0.offset + 1)", $0.element) }
            : value.members.map { ($0.key, $0.value) }
        return entries.flatMap { label, member -> [String] in
            switch member.kind {
            case .object where member.count > 0, .array where member.count > 0:
                return [indent + label + ":"] + lines(of: member, depth: depth + 1)
            case .object, .array:
                return [indent + label + ": (none)"]
            case .string:
                return [indent + label + ": " + (member.string ?? "")]
            case .null:
                return [indent + label + ": —"]
            default:
                return [indent + label + ": " + member.encodedString()]
            }
        }
    }
}

extension String {
    /// Padded with spaces to `width` characters (on the left when `left`).
    func padded(to width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - count))
        return left ? padding + self : self + padding
    }
}
