/// Pieces of the Prometheus text exposition format, version 0.0.4.
enum PrometheusText {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isValidMetricName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard let first = utf8.first, first.isASCIILetter || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") else { return false }
        return utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with the reserved `__`.
    static func isValidLabelName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard let first = utf8.first, first.isASCIILetter || first == UInt8(ascii: "_"), !name.hasPrefix("__") else { return false }
        return utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") }
    }

    /// A label value between double quotes: `\` → `\\`, `"` → `\"`, newline → `\n`.
    static func escapeLabelValue(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `# HELP` text: `\` → `\\`, newline → `\n` (quotes stay as they are).
    static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for scalar in help.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A sample value: whole numbers without a fraction (`3`), others in Swift's shortest
    /// round-tripping form (`0.005`, `1e-05`), and `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// `{a="x",b="y"}` for names and values in order, plus `extra` last; empty when there are none.
    static func labels(_ names: [String], _ values: [String], extra: (name: String, value: String)? = nil) -> String {
        guard !names.isEmpty || extra != nil else { return "" }
        var text = "{"
        for (index, name) in names.enumerated() {
            if index > 0 { text += "," }
            text += name + "=\"" + escapeLabelValue(values[index]) + "\""
        }
        if let extra {
            if !names.isEmpty { text += "," }
            text += extra.name + "=\"" + escapeLabelValue(extra.value) + "\""
        }
        return text + "}"
    }

    /// The `# HELP` and `# TYPE` lines of a family.
    static func header(name: String, help: String, type: String) -> String {
        "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
    }

    /// Checks a family's name and label names; a bad one is a programming error.
    static func validate(name: String, labelNames: [String], reserved: Set<String> = []) {
        precondition(isValidMetricName(name), "invalid metric name \"\(name)\"")
        for label in labelNames {
            precondition(isValidLabelName(label), "invalid label name \"\(label)\" of \(name)")
            precondition(!reserved.contains(label), "label name \"\(label)\" is reserved for \(name)")
        }
        precondition(Set(labelNames).count == labelNames.count, "duplicate label names of \(name)")
    }

    /// Label value lists in a stable order for rendering.
    static func sorted<Value>(_ samples: [[String]: Value]) -> [(labels: [String], value: Value)] {
        samples.map { (labels: $0.key, value: $0.value) }.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }

}
