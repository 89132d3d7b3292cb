import Synchronization

/// The schema drift paths already reported, per source, so that each is logged once
/// (README, Views: schema drift). Memory is bounded: past `maximumPathsPerSource` paths of a
/// source, new ones are still counted by the caller but no longer remembered or logged.
public final class SchemaDrift: Sendable {
    public static let maximumPathsPerSource = 1000

    private let seen = Mutex<[String: Set<String>]>([:])

    public init() {}

    /// The paths of `drift` seen for the first time for `source`, to log; they are remembered
    /// while the source has room.
    public func firstSightings(of drift: DistinctPaths, source: String) -> [String] {
        guard !drift.listed.isEmpty else { return [] }
        return seen.withLock { seen in
            var known = seen[source, default: []]
            var first: [String] = []
            for path in drift.listed where known.count < Self.maximumPathsPerSource && known.insert(path).inserted {
                first.append(path)
            }
            seen[source] = known
            return first
        }
    }
}
