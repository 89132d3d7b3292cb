/// How urgently a finding needs the clerk's attention; findings are listed most severe first.
public enum FindingSeverity: String, Sendable, Equatable, CaseIterable, Comparable {
    case info, warning, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: FindingSeverity, rhs: FindingSeverity) -> Bool {
        lhs.rank < rhs.rank
    }
}
