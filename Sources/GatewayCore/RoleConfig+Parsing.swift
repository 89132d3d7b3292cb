extension RoleConfig {
    static let knownKeys: Set<String> = ["sources", "masking", "source_masking", "detect_pii"]

    /// `roles`: each role's sources must exist; masking rules must be known; `hash` needs the HMAC key.
    static func parseAll(_ root: ConfigObject, sources: [SourceConfig], hmacKey: [UInt8]?) throws(ConfigError) -> [String: RoleConfig] {
        guard let rolesObject = try root.object("roles", knownKeys: nil) else {
            throw ConfigError(path: "roles", problem: "is required: at least one role")
        }
        var roles: [String: RoleConfig] = [:]
        for (name, value) in rolesObject.json.members {
            let object = try ConfigObject(value, path: rolesObject.keyPath(name), knownKeys: knownKeys)
            guard SourceConfig.isValidName(name) else {
                throw ConfigError(path: object.path, problem: "a role name is 1-32 characters of a-z, 0-9, '_' and '-'")
            }
            let readable = try object.stringArray("sources")
            guard !readable.isEmpty else {
                throw ConfigError(path: object.keyPath("sources"), problem: "must list at least one source: a role that reads nothing is a mistake")
            }
            for (index, source) in readable.enumerated() {
                guard sources.contains(where: { $0.name == source }) else {
                    throw ConfigError(path: object.keyPath("sources") + "[\(index)]", problem: "unknown source \"\(source)\"")
                }
                guard !readable[..<index].contains(source) else {
                    throw ConfigError(path: object.keyPath("sources") + "[\(index)]", problem: "lists \"\(source)\" twice")
                }
            }
            let rules = try maskingRules(object.object("masking", knownKeys: nil))
            var sourceMasking: [String: [String: MaskingRule]] = [:]
            if let perSource = try object.object("source_masking", knownKeys: Set(sources.map(\.name))) {
                for (source, _) in perSource.json.members {
                    sourceMasking[source] = try maskingRules(perSource.object(source, knownKeys: nil))
                }
            }
            let usesHash = (Array(rules.values) + sourceMasking.values.flatMap(\.values)).contains(.hash)
            if usesHash, hmacKey == nil {
                throw ConfigError(path: object.keyPath("masking"), problem: "the hash rule needs masking.hmac_key_file or masking.hmac_key_env")
            }
            let detectPII = try object.bool("detect_pii", default: name != "auditor")
            roles[name] = RoleConfig(name: name, sources: readable,
                                     masking: MaskingPolicy(rules: rules, detectPII: detectPII, hmacKey: hmacKey),
                                     sourceMasking: sourceMasking)
        }
        guard !roles.isEmpty else { throw ConfigError(path: "roles", problem: "must define at least one role") }
        return roles
    }

    /// `{"<json key>": "<rule>"}`.
    private static func maskingRules(_ object: ConfigObject?) throws(ConfigError) -> [String: MaskingRule] {
        guard let object else { return [:] }
        var rules: [String: MaskingRule] = [:]
        for (key, value) in object.json.members {
            guard let name = value.string, let rule = MaskingRule(rawValue: name) else {
                let known = MaskingRule.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: object.keyPath(key), problem: "must be one of \(known)")
            }
            guard rules.updateValue(rule, forKey: key.lowercased()) == nil else {
                throw ConfigError(path: object.keyPath(key), problem: "repeats a key that differs only in case")
            }
        }
        return rules
    }
}
