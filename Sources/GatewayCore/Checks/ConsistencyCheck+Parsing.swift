import GatewayJSON

extension ConsistencyChecks {
    /// The optional top-level `checks` array; each check is validated against the configured sources.
    init(root: ConfigObject, sources: [SourceConfig]) throws(ConfigError) {
        guard root.value("checks") != nil else {
            self.init()
            return
        }
        var checks: [ConsistencyCheck] = []
        for (path, value) in try root.array("checks") {
            let check = try ConsistencyCheck(object: ConfigObject(value, path: path, knownKeys: ConsistencyCheck.knownKeys), sources: sources)
            if checks.contains(where: { $0.code == check.code }) {
                throw ConfigError(path: path + ".code", problem: "duplicate check code \"\(check.code)\"")
            }
            checks.append(check)
        }
        self.init(checks)
    }
}

extension ConsistencyCheck {
    static let knownKeys: Set<String> = ["code", "severity", "message", "compare", "operands", "min", "max", "values"]

    /// Parameters only some comparisons take, by the comparison that takes them.
    private static let parameterOwners: [(key: String, comparison: String)] = [("min", "ratio_within"), ("max", "ratio_within"),
                                                                               ("values", "one_of")]

    init(object: ConfigObject, sources: [SourceConfig]) throws(ConfigError) {
        let code = try object.requiredString("code")
        guard ConfigObject.isLowercaseName(code, maxLength: 64, hyphens: false) else {
            throw ConfigError(path: object.keyPath("code"), problem: "must be 1-64 characters of a-z, 0-9 and '_', starting with a letter")
        }
        let severityName = try object.requiredString("severity")
        guard let severity = FindingSeverity(rawValue: severityName) else {
            throw ConfigError(path: object.keyPath("severity"), problem: "must be info, warning or critical")
        }
        let message = try object.requiredString("message")
        guard (1...200).contains(message.count), !message.allSatisfy(\.isWhitespace) else {
            throw ConfigError(path: object.keyPath("message"), problem: "must be 1-200 characters of text for the clerk")
        }
        let compareName = try object.requiredString("compare")
        for (key, owner) in Self.parameterOwners where owner != compareName && object.value(key) != nil {
            throw ConfigError(path: object.keyPath(key), problem: "is only for \"compare\": \"\(owner)\"")
        }
        let comparison = try Self.comparison(compareName, object: object)
        var operands: [CheckOperand] = []
        for (path, value) in try object.array("operands") {
            operands.append(try CheckOperand(object: ConfigObject(value, path: path, knownKeys: ["source", "pointer", "request"]),
                                             sources: sources))
        }
        guard comparison.operandCount.contains(operands.count) else {
            let range = comparison.operandCount
            let expected = range.count == 1 ? "exactly \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw ConfigError(path: object.keyPath("operands"), problem: "\(compareName) takes \(expected) operands, not \(operands.count)")
        }
        self.init(code: code, severity: severity, message: message, comparison: comparison, operands: operands)
    }

    private static func comparison(_ name: String, object: ConfigObject) throws(ConfigError) -> CheckComparison {
        switch name {
        case "equal": return .equal
        case "equal_normalized": return .equalNormalized
        case "date_order": return .dateOrder
        case "not_positive": return .notPositive
        case "ratio_within":
            let minimum = try object.decimal("min", in: 0...1e12)
            let maximum = try object.decimal("max", in: minimum...1e12)
            return .ratioWithin(min: minimum, max: maximum)
        case "one_of":
            let values = try object.array("values").map { CheckValue($0.value) }
            guard !values.isEmpty else { throw ConfigError(path: object.keyPath("values"), problem: "must list at least one value") }
            return .oneOf(values)
        default:
            throw ConfigError(path: object.keyPath("compare"),
                              problem: "must be equal, equal_normalized, ratio_within, date_order, one_of or not_positive")
        }
    }
}

extension CheckOperand {
    /// `{"source": NAME, "pointer": "/json/pointer"}` or `{"request": "property_id"}`.
    init(object: ConfigObject, sources: [SourceConfig]) throws(ConfigError) {
        if let request = try object.string("request") {
            guard request == "property_id" else {
                throw ConfigError(path: object.keyPath("request"), problem: "must be \"property_id\", the only request value a check can read")
            }
            guard object.value("source") == nil, object.value("pointer") == nil else {
                throw ConfigError(path: object.path, problem: "takes either \"request\" or \"source\" and \"pointer\", not both")
            }
            self = .requestedPropertyID
            return
        }
        let name = try object.requiredString("source")
        guard sources.contains(where: { $0.name == name }) else {
            throw ConfigError(path: object.keyPath("source"),
                              problem: "names no configured source (known: \(sources.map(\.name).joined(separator: ", ")))")
        }
        let text = try object.requiredString("pointer")
        do {
            self = .source(name: name, pointer: try JSONPointer(text))
        } catch {
            let why = error == .missingLeadingSlash ? "must start with '/'" : "may use '~' only as '~0' or '~1'"
            throw ConfigError(path: object.keyPath("pointer"), problem: "is not an RFC 6901 JSON pointer: it \(why)")
        }
    }
}
