/// A property identifier that is safe to put into an upstream path.
///
/// Checked before any upstream call: 1 to 64 characters of `[A-Za-z0-9-]`, which covers
/// both case ids like `LA2023001` and 28-character 不动产单元号.
public struct PropertyID: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 64

    public let rawValue: String

    /// `nil` unless `rawValue` is a valid property id.
    public init?(_ rawValue: String) {
        let utf8 = rawValue.utf8
        guard (1...Self.maximumLength).contains(utf8.count),
              utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") })
        else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}
