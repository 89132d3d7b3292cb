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
