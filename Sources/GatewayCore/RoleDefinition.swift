/// A role as the config describes it, before its views are compiled with every other role's.
public struct RoleDefinition: Sendable {
    /// What the role sees of the sources it may read.
    public enum Views: Sendable {
        /// Everything (`"view": "all"`).
        case all
        /// The paths named per source (`views`).
        case named([String: ViewPaths])
    }

    public var name: String
    public var sources: [String]
    public var views: Views
    public var detectPII: Bool

    public init(name: String, sources: [String], views: Views, detectPII: Bool) {
        self.name = name
        self.sources = sources
        self.views = views
        self.detectPII = detectPII
    }
}
