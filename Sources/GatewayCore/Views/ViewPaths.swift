/// The paths one role's view names in one source, each with its treatment, in config order.
///
/// A view names leaves: a path that is also the start of a deeper path would be both a value
/// served whole and a container served member by member, so adding one is refused.
public struct ViewPaths: Sendable {
    public private(set) var entries: [(path: ViewPath, treatment: Treatment)] = []
    private var leaves: Set<[ViewPath.Segment]> = []
    /// Every proper prefix of a named path.
    private var prefixes: Set<[ViewPath.Segment]> = []

    /// Why a path cannot join a view.
    public enum Conflict: Error, Sendable, Equatable, CustomStringConvertible {
        /// The view already names this exact path.
        case repeated
        /// The view already names `shorter`, a leaf this path would go below.
        case belowLeaf(shorter: String)
        /// The view already names paths below this one.
        case aboveLeaves

        public var description: String {
            switch self {
            case .repeated: "is named twice"
            case .belowLeaf(let shorter): "goes below \(shorter), which the view names as a leaf (a view names leaves only)"
            case .aboveLeaves: "is a leaf, but the view also names paths below it (a view names leaves only)"
            }
        }
    }

    public init() {}

    /// `entries` in order; the first conflict is thrown.
    public init(_ entries: [(path: ViewPath, treatment: Treatment)]) throws(Conflict) {
        for entry in entries { try add(entry.path, entry.treatment) }
    }

    public mutating func add(_ path: ViewPath, _ treatment: Treatment) throws(Conflict) {
        let segments = path.segments
        guard !leaves.contains(segments) else { throw .repeated }
        guard !prefixes.contains(segments) else { throw .aboveLeaves }
        for length in 1..<segments.count {
            let prefix = Array(segments.prefix(length))
            if leaves.contains(prefix) { throw .belowLeaf(shorter: entries.first { $0.path.segments == prefix }!.path.description) }
        }
        leaves.insert(segments)
        for length in 1..<segments.count { prefixes.insert(Array(segments.prefix(length))) }
        entries.append((path, treatment))
    }
}
