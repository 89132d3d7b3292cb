/// What one role sees of one source: rules by JSON key (matched case-insensitively at any
/// depth), whether free text is scanned for embedded ID-card and mobile numbers, and the HMAC
/// key for the `hash` rule.
public struct MaskingPolicy: Sendable, Equatable {
    /// Rules by lower-cased key, so that `"ID_Card"` in a department body cannot dodge `id_card`.
    public private(set) var rules: [String: MaskingRule] {
        didSet { asciiRules = Self.asciiRules(of: rules) }
    }
    /// The rules whose key is ASCII, with the key as bytes: what `rule(forKey:)` compares.
    private var asciiRules: [ASCIIRule]
    /// Whether every string or number without a rule is scanned by `PIIDetector`.
    public var detectPII: Bool
    /// The key of the `hash` rule; without one (or with an empty one) `hash` fails closed to `"***"`.
    public var hmacKey: [UInt8]?
    /// The shortest HMAC key the config accepts: ID and phone numbers are few enough that anyone who
    /// can guess the key can reverse every pseudonym, so it must be as strong as the digest.
    public static let minimumHMACKeyBytes = 32

    /// Keys are lower-cased. Two keys that differ only in case and name different rules are
    /// settled fail-closed: `redact` beats any masking rule, a masking rule beats `none`, and
    /// two different masking rules become `redact`.
    public init(rules: [String: MaskingRule], detectPII: Bool, hmacKey: [UInt8]?) {
        self.rules = Self.lowercased(rules)
        asciiRules = Self.asciiRules(of: self.rules)
        self.detectPII = detectPII
        self.hmacKey = hmacKey
    }

    /// This policy with `overrides` replacing or adding rules (per-source overrides).
    ///
    /// An override may relax a rule on purpose (e.g. `none` for a field the source is known to
    /// hold no personal data in), so it replaces rather than merges with the role's rule.
    public func overriding(with overrides: [String: MaskingRule]) -> MaskingPolicy {
        var result = self
        result.rules.merge(Self.lowercased(overrides)) { _, override in override }
        return result
    }

    /// The rule for an object member whose key has the UTF-8 bytes `key`, if any.
    ///
    /// Runs for every member of every department body, so an ASCII key (nearly all of them) is
    /// compared byte by byte, folding case, without making a `String`; other keys are
    /// lower-cased as Unicode and looked up.
    func rule(forKey key: UnsafeRawBufferPointer) -> MaskingRule? {
        guard key.allSatisfy({ $0 < 0x80 }) else { return rules[String(decoding: key, as: UTF8.self).lowercased()] }
        return asciiRules.first { candidate in
            candidate.key.count == key.count && zip(candidate.key, key).allSatisfy { $0 == $1.asciiLowercased }
        }?.rule
    }

    private struct ASCIIRule: Sendable, Equatable {
        let key: [UInt8]
        let rule: MaskingRule
    }

    private static func asciiRules(of rules: [String: MaskingRule]) -> [ASCIIRule] {
        rules.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }.map { ASCIIRule(key: Array($0.key.utf8), rule: $0.value) }
    }

    private static func lowercased(_ rules: [String: MaskingRule]) -> [String: MaskingRule] {
        var result: [String: MaskingRule] = [:]
        for (key, rule) in rules {
            result[key.lowercased()] = result[key.lowercased()].map { settled($0, rule) } ?? rule
        }
        return result
    }

    private static func settled(_ first: MaskingRule, _ second: MaskingRule) -> MaskingRule {
        if first == second { return first }
        if first.strictness != second.strictness {
            return first.strictness > second.strictness ? first : second
        }
        return .redact
    }
}

extension MaskingPolicy: CustomStringConvertible {
    /// Never shows the HMAC key, only whether there is one.
    public var description: String {
        let rules = rules.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.rawValue)" }
        return "MaskingPolicy(rules: [\(rules.joined(separator: ", "))], detectPII: \(detectPII), "
            + "hmacKey: \(hmacKey == nil ? "none" : "set"))"
    }
}

extension MaskingPolicy: CustomReflectable {
    /// `dump` and debuggers see whether there is an HMAC key, never the key itself.
    public var customMirror: Mirror {
        Mirror(self, children: ["rules": rules, "detectPII": detectPII, "hasHMACKey": hmacKey != nil])
    }
}
