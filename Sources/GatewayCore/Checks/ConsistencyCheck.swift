/// One declarative check from config (`checks[]`): which values to compare and how, and what
/// to tell the clerk when they disagree. The message never contains the values.
public struct ConsistencyCheck: Sendable, Equatable {
    /// A stable slug such as `owner_name_mismatch`, unique among the checks.
    public var code: String
    public var severity: FindingSeverity
    /// Shown to the clerk, in Chinese with English (`权利人姓名不一致 / owner name differs`).
    public var message: String
    public var comparison: CheckComparison
    public var operands: [CheckOperand]

    public init(code: String, severity: FindingSeverity, message: String, comparison: CheckComparison, operands: [CheckOperand]) {
        self.code = code
        self.severity = severity
        self.message = message
        self.comparison = comparison
        self.operands = operands
    }

    /// The sources the check reads, each once, in operand order.
    public var sourceNames: [String] {
        var names: [String] = []
        for name in operands.compactMap(\.sourceName) where !names.contains(name) { names.append(name) }
        return names
    }
}
