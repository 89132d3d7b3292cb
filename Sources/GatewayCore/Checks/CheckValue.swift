import GatewayJSON
import Glibc

/// A value a consistency check reads: a member of a department's unmasked body, captured while
/// the body is served (`CheckCaptures`), a value a check's config names (`one_of`), or the
/// property id the clerk asked for.
///
/// Compared as jansson compares values (`json_equal`), which is what the checks compared before
/// they read captures: the same kind and value, strings byte for byte (not as Swift compares
/// `String`s, which folds canonically equivalent text), an integer never equal to a real.
public enum CheckValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case real(Double)
    case bool(Bool)
    case null
    /// An object or array, read by jansson (rare: checks compare scalars).
    case container(JSON)

    /// The value of a jansson node.
    public init(_ value: JSON) {
        switch value.kind {
        case .string: self = .string(value.string!)
        case .integer: self = .integer(value.integer!)
        case .real: self = .real(value.number!)
        case .bool: self = .bool(value.bool!)
        case .null: self = .null
        case .object, .array: self = .container(value)
        }
    }

    /// The value of a scalar as scanned.
    public init(_ scalar: JSONScalar) {
        switch scalar.kind {
        case .string: self = .string(String(decoding: scalar.text.utf8, as: UTF8.self))
        case .integer: self = .integer(JSONScalar.integerValue(of: scalar.text.utf8))
        case .real: self = .real(JSONScalar.realValue(of: scalar.text.utf8))
        case .bool: self = .bool(scalar.text.utf8.first == UInt8(ascii: "t"))
        case .null: self = .null
        }
    }

    public static func == (lhs: CheckValue, rhs: CheckValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(var left), .string(var right)):
            left.withUTF8 { left in right.withUTF8 { left.count == $0.count && (left.isEmpty || memcmp(left.baseAddress!, $0.baseAddress!, left.count) == 0) } }
        case (.integer(let left), .integer(let right)): left == right
        case (.real(let left), .real(let right)): left == right
        case (.bool(let left), .bool(let right)): left == right
        case (.null, .null): true
        case (.container(let left), .container(let right)): left == right
        default: false
        }
    }

    /// The value of an integer or real.
    public var number: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .real(let real): real
        default: nil
        }
    }

    /// A string, or an integer's decimal text (an ID number sent as a number).
    public var text: String? {
        switch self {
        case .string(let string): string
        case .integer(let integer): String(integer)
        default: nil
        }
    }
}
