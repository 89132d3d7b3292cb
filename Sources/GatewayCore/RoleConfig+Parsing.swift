extension RoleConfig {
    static let knownKeys: Set<String> = ["sources", "view", "views", "detect_pii"]
    /// Keys of an earlier version, each with what replaced it.
    static let replacedKeys = ["masking", "source_masking"]

    /// `roles`: each role's sources must exist, and each role has `views` (per source it may
    /// read, the paths it sees) or `"view": "all"`; treatments must be known, `hmac` needs the key.
    static func parseAll(_ root: ConfigObject, sources: [SourceConfig], hmacKey: [UInt8]?) throws(ConfigError) -> [String: RoleConfig] {
        guard let rolesObject = try root.object("roles", knownKeys: nil) else {
            throw ConfigError(path: "roles", problem: "is required: at least one role")
        }
        var definitions: [RoleDefinition] = []
        for (name, value) in rolesObject.json.members {
            if let replaced = replacedKeys.first(where: { value[$0] != nil }) {
                throw ConfigError(path: rolesObject.keyPath(name) + "." + replaced,
                                  problem: "was replaced by views: per source, the fields this role may see (README, Views)")
            }
            let object = try ConfigObject(value, path: rolesObject.keyPath(name), knownKeys: knownKeys)
            guard SourceConfig.isValidName(name) else {
                throw ConfigError(path: object.path, problem: "a role name is 1-32 characters of a-z, 0-9, '_' and '-'")
            }
            let readable = try object.stringArray("sources")
            guard !readable.isEmpty else {
                throw ConfigError(path: object.keyPath("sources"), problem: "must list at least one source: a role that reads nothing is a mistake")
            }
            for (index, source) in readable.enumerated() {
                guard sources.contains(where: { $0.name == source }) else {
                    throw ConfigError(path: object.keyPath("sources") + "[\(index)]", problem: "unknown source \"\(source)\"")
                }
                guard !readable[..<index].contains(source) else {
                    throw ConfigError(path: object.keyPath("sources") + "[\(index)]", problem: "lists \"\(source)\" twice")
                }
            }
            let views = try parseViews(object, readable: readable, sources: sources, hmacKey: hmacKey)
            let seesEverything = if case .all = views { true } else { false }
            let detectPII = try object.bool("detect_pii", default: !seesEverything)
            definitions.append(RoleDefinition(name: name, sources: readable, views: views, detectPII: detectPII))
        }
        guard !definitions.isEmpty else { throw ConfigError(path: "roles", problem: "must define at least one role") }
        return compile(definitions, hmacKey: hmacKey)
    }

    /// `"view": "all"`, or `views`: a view for every source the role may read, and none for others.
    private static func parseViews(_ role: ConfigObject, readable: [String], sources: [SourceConfig],
                                   hmacKey: [UInt8]?) throws(ConfigError) -> RoleDefinition.Views {
        let viewsObject = try role.object("views", knownKeys: nil)
        if let view = role.value("view") {
            guard viewsObject == nil else {
                throw ConfigError(path: role.keyPath("view"), problem: "set either \"view\": \"all\" or views, not both")
            }
            guard view.string == "all" else {
                throw ConfigError(path: role.keyPath("view"), problem: "must be \"all\" (a role that sees only some fields lists them in views)")
            }
            return .all
        }
        guard let viewsObject else {
            throw ConfigError(path: role.path, problem: "needs views (per source, the fields it may see) or \"view\": \"all\" (README, Views)")
        }
        for (source, _) in viewsObject.json.members {
            guard sources.contains(where: { $0.name == source }) else {
                throw ConfigError(path: viewsObject.keyPath(source), problem: "unknown source \"\(source)\"")
            }
            guard readable.contains(source) else {
                throw ConfigError(path: viewsObject.keyPath(source), problem: "the role may not read \(source): it is not in its sources")
            }
        }
        var views: [String: ViewPaths] = [:]
        for source in readable {
            guard let pathsObject = try viewsObject.object(source, knownKeys: nil) else {
                throw ConfigError(path: viewsObject.keyPath(source),
                                  problem: "is required: the role may read \(source), so its view must name what it sees ({} for nothing)")
            }
            views[source] = try parsePaths(pathsObject, hmacKey: hmacKey)
        }
        return .named(views)
    }

    /// `{"<view path>": "<treatment>", ...}` of one source.
    private static func parsePaths(_ object: ConfigObject, hmacKey: [UInt8]?) throws(ConfigError) -> ViewPaths {
        var paths = ViewPaths()
        for (pointer, value) in object.json.members {
            let keyPath = object.keyPath(pointer)
            let path: ViewPath
            do {
                path = try ViewPath(pointer)
            } catch {
                throw ConfigError(path: keyPath, problem: error.description)
            }
            let treatment = try parseTreatment(value.string, at: keyPath)
            if treatment == .hmac, hmacKey == nil {
                throw ConfigError(path: keyPath, problem: "the hmac treatment needs masking.hmac_key_file or masking.hmac_key_env")
            }
            do {
                try paths.add(path, treatment)
            } catch {
                throw ConfigError(path: keyPath, problem: error.description)
            }
        }
        return paths
    }

    private static func parseTreatment(_ name: String?, at keyPath: String) throws(ConfigError) -> Treatment {
        if let name, let treatment = Treatment(rawValue: name) { return treatment }
        if let name, let replacement = Treatment.renamed[name] {
            throw ConfigError(path: keyPath, problem: "\"\(name)\" is no longer a treatment: use \"\(replacement.rawValue)\" (README, Views)")
        }
        throw ConfigError(path: keyPath, problem: "must be one of \(Treatment.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}
