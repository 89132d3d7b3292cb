import GatewayJSON

/// What a consistency check expects of its operands. A finding is raised when the
/// expectation does not hold; the smallest set that covers the bundled checks.
public enum CheckComparison: Sendable, Equatable {
    /// All operands are the same JSON value (type included). Two or more operands.
    case equal
    /// All operands are the same text after `TextNormalization`. Two or more operands.
    case equalNormalized
    /// `first / second` lies within `min...max`: a plausibility bound between two quantities,
    /// or equality within a relative tolerance (`0.99...1.01`). Exactly two operands.
    case ratioWithin(min: Double, max: Double)
    /// The operands are dates (`YYYY-MM-DD`, optionally followed by a time) in non-decreasing
    /// order. Two or more operands.
    case dateOrder
    /// The operand is one of `values` (e.g. a status of `"无"`, or `false` for a flag). One operand.
    case oneOf([CheckValue])
    /// The operand is a number ≤ 0 (e.g. no tax arrears). One operand.
    case notPositive

    /// The config name of the comparison (`compare`).
    public var name: String {
        switch self {
        case .equal: "equal"
        case .equalNormalized: "equal_normalized"
        case .ratioWithin: "ratio_within"
        case .dateOrder: "date_order"
        case .oneOf: "one_of"
        case .notPositive: "not_positive"
        }
    }

    /// How many operands the comparison takes.
    var operandCount: ClosedRange<Int> {
        switch self {
        case .equal, .equalNormalized, .dateOrder: 2...16
        case .ratioWithin: 2...2
        case .oneOf, .notPositive: 1...1
        }
    }
}
