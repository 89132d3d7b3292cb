/// What a view does with one field it names (README, Views).
///
/// The raw values are the names used in the config file's views.
public enum Treatment: String, Sendable, CaseIterable {
    /// Served as it is; text and large numbers still go through `PIIDetector` when the role's
    /// `detect_pii` is on.
    case clear
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
    case hmac
    /// Known and never served to this role: removed and listed as withheld (not schema drift).
    case redact
}

extension Treatment {
    /// What a value of the wrong shape or type becomes: nothing of it survives.
    static let failedValue = "***"

    /// The names an earlier version used, with what replaced them: a config that still says
    /// them is told so.
    static let renamed: [String: Treatment] = ["none": .clear, "hash": .hmac]

    /// The shortest key the `hmac` treatment accepts: ID and phone numbers are few enough that
    /// anyone who can guess the key can reverse every pseudonym, so it must be as strong as the digest.
    public static let minimumHMACKeyBytes = 32
}
