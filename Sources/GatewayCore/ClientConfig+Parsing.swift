import GatewayCrypto

extension ClientConfig {
    /// `clients`: unique ids, a known role, and a SHA-256 (64 hex digits) inline, from a file or from the environment.
    static func parseAll(_ root: ConfigObject, roles: [String: RoleConfig], environment: ConfigEnvironment) throws(ConfigError) -> [ClientConfig] {
        var clients: [ClientConfig] = []
        for (path, value) in try root.array("clients") {
            let object = try ConfigObject(value, path: path,
                                          knownKeys: ["id", "role", "api_key_sha256", "api_key_sha256_file", "api_key_sha256_env", "rate_limit"])
            let id = try object.requiredString("id")
            guard RequestID.accepted(id) != nil, id.utf8.count <= 64 else {
                throw ConfigError(path: object.keyPath("id"), problem: "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'")
            }
            guard !clients.contains(where: { $0.id == id }) else {
                throw ConfigError(path: object.keyPath("id"), problem: "duplicate client id \"\(id)\"")
            }
            let role = try object.requiredString("role")
            guard roles[role] != nil else {
                throw ConfigError(path: object.keyPath("role"), problem: "unknown role \"\(role)\"")
            }
            guard let (hex, hexPath) = try object.secret("api_key_sha256", inlineAllowed: true, environment: environment) else {
                throw ConfigError(path: object.keyPath("api_key_sha256"), problem: "is required (or api_key_sha256_file / api_key_sha256_env)")
            }
            guard hex.utf8.count == 64, let hash = Hex.decode(hex) else {
                throw ConfigError(path: hexPath, problem: "must be 64 hexadecimal digits (see exchange-gateway keygen)")
            }
            guard !clients.contains(where: { $0.apiKeySHA256 == hash }) else {
                throw ConfigError(path: hexPath, problem: "two clients share one key")
            }
            let rateLimit = try object.object("rate_limit", knownKeys: RateLimit.knownKeys).map(RateLimit.init)
            clients.append(ClientConfig(id: id, role: role, apiKeySHA256: hash, rateLimit: rateLimit))
        }
        guard !clients.isEmpty else { throw ConfigError(path: "clients", problem: "must list at least one client") }
        return clients
    }
}
