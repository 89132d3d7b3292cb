import CJansson
@testable import GatewayJSON

extension JSON.Borrowed: Equatable {
    /// The value of an integer or real.
    public var number: Double? {
        switch kind {
        case .integer, .real: json_number_value(node)
        default: nil
        }
    }

    public var integer: Int? {
        kind == .integer ? Int(json_integer_value(node)) : nil
    }

    public var isNull: Bool { kind == .null }

    /// Structural equality, as jansson defines it.
    public static func == (lhs: JSON.Borrowed, rhs: JSON.Borrowed) -> Bool {
        json_equal(lhs.node, rhs.node) == 1
    }
}

extension JSON {
    /// This value lent as a `Borrowed`, valid while `self` is alive and unchanged.
    public var borrowed: Borrowed { Borrowed(node: node) }
}
