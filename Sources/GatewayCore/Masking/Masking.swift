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
    /// element) has embedded ID-card and mobile numbers masked, and so do object keys; a number
    /// without a rule whose text holds one (a mobile number sent as `13812345678`) becomes that
    /// text, masked, as a string.
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

    /// Masks the members of one object. Values are read borrowed, so only values that change
    /// or containers still to walk become Swift objects; changes are made after the pass,
    /// since jansson's iteration must not see members removed under it.
    private static func maskMembers(of object: JSON, _ policy: MaskingPolicy, pending: inout [JSON]) {
        var changes: [(key: String, value: JSON?)] = []
        object.forEachMember { keyBytes, value in
            let rule = policy.rule(forKey: keyBytes)
            // The key as a String only for a member that changes (most do not).
            var renamedKey: String?
            var key: String { renamedKey ?? String(decoding: keyBytes, as: UTF8.self) }
            if policy.detectPII, PIIDetector.mayHoldMatch(keyBytes) {
                let originalKey = String(decoding: keyBytes, as: UTF8.self)
                if let maskedKey = maskedIfPII(originalKey) {
                    // A key that is itself an ID or mobile number moves to its masked form (at the
                    // end of the object: jansson cannot rename in place).
                    changes.append((originalKey, nil))
                    changes.append((maskedKey, value.retained()))
                    renamedKey = maskedKey
                }
            }
            switch (rule, value.kind) {
            case (.some(.none), .object), (.some(.none), .array), (nil, .object), (nil, .array):
                // Walked even under `none`, so that `none` cannot unmask a ruled key inside.
                pending.append(value.retained())
            case (.some(.none), _):
                break
            case (.some(let rule), _):
                changes.append((key, masked(value.retained(), by: rule, hmacKey: policy.hmacKey)))
            case (nil, .string):
                if policy.detectPII, value.withUTF8Bytes(PIIDetector.mayHoldMatch) == true,
                   let text = value.retained().string, let masked = maskedIfPII(text) {
                    changes.append((key, JSON(masked)))
                }
            case (nil, .integer), (nil, .real):
                if policy.detectPII, let masked = maskedNumberIfPII(value) {
                    changes.append((key, JSON(masked)))
                }
            case (nil, _):
                break
            }
        }
        for (key, value) in changes { object[key] = value }
    }

    private static func maskElements(of array: JSON, _ policy: MaskingPolicy, pending: inout [JSON]) {
        var replacements: [(index: Int, value: JSON)] = []
        array.forEachElement { index, element in
            switch element.kind {
            case .object, .array:
                pending.append(element.retained())
            case .string where policy.detectPII && element.withUTF8Bytes(PIIDetector.mayHoldMatch) == true:
                if let text = element.retained().string, let masked = maskedIfPII(text) {
                    replacements.append((index, JSON(masked)))
                }
            case .integer where policy.detectPII, .real where policy.detectPII:
                if let masked = maskedNumberIfPII(element) {
                    replacements.append((index, JSON(masked)))
                }
            default:
                break
            }
        }
        for (index, value) in replacements { array.replaceElement(at: index, with: value) }
    }

    /// A number's text as the answer would write it, with embedded PII masked, or `nil` when it
    /// holds none. Only a number of 11 or more integer digits can hold a mobile or ID-card
    /// number, so smaller ones (areas, amounts) are never formatted. A real of 17 or more
    /// integer digits is written in exponent form (`3.4150219880314026e+17`), which hides an ID
    /// number's digits from the detector but not from a reader, so it is masked whole: no
    /// amount or area in a department record is that large.
    private static func maskedNumberIfPII(_ value: JSON.Borrowed) -> String? {
        guard let number = value.number, number.magnitude >= 1e10 else { return nil }
        if let integer = value.integer { return maskedIfPII(String(integer)) }
        return number.magnitude >= 1e16 ? MaskingRule.failedValue : maskedIfPII(number.description)
    }

    /// `text` with embedded PII masked, or `nil` when there was none.
    private static func maskedIfPII(_ text: String) -> String? {
        let masked = PIIDetector.maskEmbedded(in: text)
        return masked == text ? nil : masked
    }
}
