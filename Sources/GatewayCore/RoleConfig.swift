/// What a role may see: which sources, and its view of each (README, Views).
public struct RoleConfig: Sendable {
    public var name: String
    public var sources: [String]
    /// The role's view of each source it may read.
    public var views: [String: SourceView]

    public init(name: String, sources: [String], views: [String: SourceView] = [:]) {
        self.name = name
        self.sources = sources
        self.views = views
    }

    /// The role's view of `source`; a source it has no view of is served nothing (fail closed:
    /// the config refuses such a role, so only a role built in code can lack one).
    public func view(for source: String) -> SourceView {
        views[source] ?? .nothing
    }

    public func mayRead(_ source: String) -> Bool {
        sources.contains(source)
    }
}
