/// What serving one department body through a view found.
public struct ViewResult: Sendable, Equatable {
    /// The members and elements not served, for the section's `withheld`.
    public var withheld = DistinctPaths(limit: DistinctPaths.withheldLimit)
    /// The members no view of any role names, or whose shape no view expects (schema drift).
    public var drift = DistinctPaths(limit: SchemaDrift.maximumPathsPerSource)

    public init() {}
}
