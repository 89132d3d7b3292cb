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

extension RoleConfig {
    /// Compiles the roles' views, once, at config load: per source, one trie of every path any
    /// role's view names there (what schema drift is measured against), and each role's view
    /// marked on it.
    public static func compile(_ definitions: [RoleDefinition], hmacKey: [UInt8]?) -> [String: RoleConfig] {
        var builders: [String: ViewTrie.Builder] = [:]
        for definition in definitions {
            guard case .named(let views) = definition.views else { continue }
            for source in views.keys.sorted() {
                for (path, treatment) in views[source]!.entries { builders[source, default: ViewTrie.Builder()].insert(path, treatment) }
            }
        }
        let tries = builders.mapValues { $0.build() }
        var roles: [String: RoleConfig] = [:]
        for definition in definitions {
            var views: [String: SourceView] = [:]
            for source in definition.sources {
                let trie = tries[source] ?? ViewTrie(ViewPaths())
                switch definition.views {
                case .all:
                    views[source] = .all(trie: trie, detectPII: definition.detectPII)
                case .named(let named):
                    views[source] = SourceView(paths: named[source] ?? ViewPaths(), on: trie, detectPII: definition.detectPII, hmacKey: hmacKey)
                }
            }
            roles[definition.name] = RoleConfig(name: definition.name, sources: definition.sources, views: views)
        }
        return roles
    }
}
