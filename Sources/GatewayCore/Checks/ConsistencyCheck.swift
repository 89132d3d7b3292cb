/// One declarative check from config (`checks[]`): which values to compare and how, and what
/// to tell the clerk when they disagree. The message never contains the values.
public struct ConsistencyCheck: Sendable, Equatable {
    /// A stable slug such as `owner_name_mismatch`, unique among the checks.
    public let code: String
    public let severity: FindingSeverity
    /// Shown to the clerk, in Chinese with English (`权利人姓名不一致 / owner name differs`).
    public let message: String
    public let comparison: CheckComparison
    public let operands: [CheckOperand]
    /// The sources the check reads, each once, in operand order (worked out once, not per dossier).
    public let sourceNames: [String]

    public init(code: String, severity: FindingSeverity, message: String, comparison: CheckComparison, operands: [CheckOperand]) {
        self.code = code
        self.severity = severity
        self.message = message
        self.comparison = comparison
        self.operands = operands
        var names: [String] = []
        for name in operands.compactMap(\.sourceName) where !names.contains(name) { names.append(name) }
        sourceNames = names
    }
}
