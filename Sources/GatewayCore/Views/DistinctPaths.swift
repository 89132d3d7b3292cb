/// Paths met while a view was applied, each listed once, in the order first met, up to a limit:
/// what a section lists as `withheld`, and the members that were schema drift.
public struct DistinctPaths: Sendable, Equatable {
    /// How many paths a section lists as withheld; past that it says how many more.
    public static let withheldLimit = 32

    public let limit: Int
    /// The first `limit` distinct paths, in the order they were met.
    public private(set) var listed: [String] = []
    /// How many more distinct paths there were.
    public private(set) var unlisted = 0
    /// How many times a path was recorded, repeats included.
    public private(set) var occurrences = 0
    private var seen: Set<String> = []

    public init(limit: Int) {
        self.limit = limit
    }

    public mutating func record(_ path: String) {
        occurrences += 1
        guard seen.insert(path).inserted else { return }
        if listed.count < limit { listed.append(path) } else { unlisted += 1 }
    }
}
