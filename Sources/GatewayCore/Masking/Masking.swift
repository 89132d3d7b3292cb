import GatewayJSON

/// Applies a role's `MaskingPolicy` to department data (SPEC §4).
///
/// Masking fails closed: a value under a ruled key that does not have the shape its rule
/// expects becomes `"***"`, never the value itself.
public enum Masking {
    /// Masks `data` in place.
    ///
    /// Every object member at any depth (inside arrays too) whose key matches a rule,
    /// ignoring case, gets that rule; `redact` removes the member. Members without a rule
    /// are walked into. With `detectPII`, every string without a rule (object member or array
    /// element) has embedded ID-card and mobile numbers masked, and so do object keys.
    ///
    /// A `none` member is left as it is when it is a string or number (so `none` exempts a
    /// field from `detectPII`); when it is an object or array it is still walked, so that
    /// `none` on a container cannot unmask a ruled key inside it.
    ///
    /// Only objects and arrays can change in place: a bare string at the top is left alone
    /// (department data is always an object).
    public static func apply(_ policy: MaskingPolicy, to data: JSON) {
        walk(data, policy)
    }

    /// The masked form of one value under `rule`, or `nil` when the rule is `redact`
    /// (remove the member).
    ///
    /// A string gets the rule's transform; `null` stays `null` (it reveals nothing); an
    /// integer is hashed by its decimal text under `hash` and is `"***"` under every other
    /// rule; an array is masked element by element (an object or array inside it becomes
    /// `"***"`); an object, a real or a boolean becomes `"***"`. `none` returns `value` itself.
    /// The input is never changed.
    public static func masked(_ value: JSON, by rule: MaskingRule, hmacKey: [UInt8]?) -> JSON? {
        switch rule {
        case .redact: return nil
        case .none: return value
        default: break
        }
        if value.kind == .array {
            return JSON.array(value.elements.map { maskedScalar($0, by: rule, hmacKey: hmacKey) })
        }
        return maskedScalar(value, by: rule, hmacKey: hmacKey)
    }

    /// `value` masked under a rule other than `redact` and `none`; an array here is one nested
    /// in a ruled array and becomes `"***"`.
    private static func maskedScalar(_ value: JSON, by rule: MaskingRule, hmacKey: [UInt8]?) -> JSON {
        switch value.kind {
        case .null:
            return JSON.null()
        case .string:
            return JSON(rule.masked(text: value.string ?? "", hmacKey: hmacKey))
        case .integer where rule == .hash:
            guard let integer = value.integer else { return JSON(MaskingRule.failedValue) }
            return JSON(rule.masked(text: String(integer), hmacKey: hmacKey))
        case .integer, .real, .bool, .object, .array:
            return JSON(MaskingRule.failedValue)
        }
    }

    /// Walks every container under `root` with a work list rather than recursion, so that a
    /// deeply nested body from a department cannot exhaust a task's stack.
    private static func walk(_ root: JSON, _ policy: MaskingPolicy) {
        var pending = [root]
        while let container = pending.popLast() {
            switch container.kind {
            case .object: maskMembers(of: container, policy, pending: &pending)
            case .array: maskElements(of: container, policy, pending: &pending)
            default: break
            }
        }
    }

    private static func maskMembers(of object: JSON, _ policy: MaskingPolicy, pending: inout [JSON]) {
        // `members` is a snapshot, so changing `object` below does not disturb the loop.
        for (originalKey, value) in object.members {
            let rule = policy.rule(forKey: originalKey)
            let key = policy.detectPII ? renamedIfPII(originalKey, in: object, value: value) : originalKey
            switch rule {
            case .some(.none):
                // A scalar stays as it is, even unscanned; a container is still walked, so
                // that `none` cannot unmask a ruled key inside it.
                pending.append(value)
            case .some(let rule):
                object[key] = masked(value, by: rule, hmacKey: policy.hmacKey)
            case nil:
                if let mayHoldPII = value.withUTF8Bytes(PIIDetector.mayHoldMatch) {
                    if policy.detectPII, mayHoldPII, let text = value.string, let masked = maskedIfPII(text) { object[key] = JSON(masked) }
                } else {
                    pending.append(value)
                }
            }
        }
    }

    private static func maskElements(of array: JSON, _ policy: MaskingPolicy, pending: inout [JSON]) {
        for (index, element) in array.elements.enumerated() {
            if let mayHoldPII = element.withUTF8Bytes(PIIDetector.mayHoldMatch) {
                if policy.detectPII, mayHoldPII, let text = element.string, let masked = maskedIfPII(text) {
                    array.replaceElement(at: index, with: JSON(masked))
                }
            } else {
                pending.append(element)
            }
        }
    }

    /// `text` with embedded PII masked, or `nil` when there was none.
    private static func maskedIfPII(_ text: String) -> String? {
        let masked = PIIDetector.maskEmbedded(in: text)
        return masked == text ? nil : masked
    }

    /// A key that is itself an ID or mobile number is moved to its masked form (at the end of
    /// the object: jansson cannot rename in place). Returns the key the member now has.
    private static func renamedIfPII(_ key: String, in object: JSON, value: JSON) -> String {
        guard let masked = maskedIfPII(key) else { return key }
        object[key] = nil
        object[masked] = value
        return masked
    }
}
