/// A masking rule for one JSON key (SPEC §4).
///
/// The raw values are the names used in the config file's role policies.
public enum MaskingRule: String, Sendable, CaseIterable {
    /// Mainland resident ID number: first 6 and last 4 kept (old 15-digit form: 6 and 3).
    case idCard = "id_card"
    /// Mainland mobile number: first 3 and last 4 digits kept.
    case phone
    /// Personal name: first character kept, one `*` per further character.
    case name
    /// E-mail address: first character of the local part and the top-level domain kept.
    case email
    /// Postal address: the administrative prefix (province, city, district) kept.
    case address
    /// Bank card number: last 4 digits kept.
    case bankCard = "bank_card"
    /// 统一社会信用代码: the first 8 characters (registration authority and region) kept.
    case uscc
    /// Keyed HMAC-SHA256 pseudonym, stable per key, so records can still be joined.
    case hash
    /// The member is removed.
    case redact
    /// The value is passed through unchanged.
    case none
}

extension MaskingRule {
    /// What a value of the wrong shape or type becomes: nothing of it survives.
    static let failedValue = "***"

    /// How strongly a rule hides a value, to settle two rules for the same key (see `MaskingPolicy`).
    var strictness: Int {
        switch self {
        case .none: 0
        case .idCard, .phone, .name, .email, .address, .bankCard, .uscc, .hash: 1
        case .redact: 2
        }
    }
}
