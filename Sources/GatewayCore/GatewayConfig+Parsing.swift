import Glibc
import GatewayJSON

extension GatewayConfig {
    /// Parses and validates a config file's text.
    public static func parse(_ text: [UInt8]) throws(ConfigError) -> GatewayConfig {
        let json: JSON
        do {
            json = try JSON.parse(text)
        } catch {
            throw ConfigError(path: "", problem: "not valid JSON at line \(error.line), column \(error.column): \(error.description)")
        }
        return try GatewayConfig(json: json)
    }

    /// Reads, parses and validates the config file at `path`.
    public static func load(path: String) throws(ConfigError) -> GatewayConfig {
        guard let text = FileBytes.read(path) else {
            throw ConfigError(path: "", problem: "cannot read config file \(path): \(String(cString: strerror(errno)))")
        }
        return try parse(text)
    }

    init(json: JSON) throws(ConfigError) {
        let root = try ConfigObject(json, path: "", knownKeys: ["listen", "deadline_ms", "max_body_bytes", "server", "sources"])
        listen = try root.object("listen", knownKeys: ["host", "port"]).map(ListenConfig.init) ?? ListenConfig()
        deadlineMs = try root.integer("deadline_ms", in: 1...600_000, default: 3000)
        maxBodyBytes = try root.integer("max_body_bytes", in: 1...(64 << 20), default: 65536)
        server = try root.object("server", knownKeys: ["threads", "connection_limit", "connection_timeout_s"])
            .map(ServerConfig.init) ?? ServerConfig()
        var sources: [SourceConfig] = []
        for (path, value) in try root.array("sources") {
            let source = try SourceConfig(object: ConfigObject(value, path: path, knownKeys: SourceConfig.knownKeys))
            if sources.contains(where: { $0.name == source.name }) {
                throw ConfigError(path: path + ".name", problem: "duplicate source name \"\(source.name)\"")
            }
            sources.append(source)
        }
        if sources.isEmpty {
            throw ConfigError(path: "sources", problem: "must list at least one source")
        }
        self.sources = sources
    }
}

extension ListenConfig {
    init(object: ConfigObject) throws(ConfigError) {
        host = try object.string("host") ?? "127.0.0.1"
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else {
            throw ConfigError(path: object.keyPath("host"), problem: "must be an IPv4 address such as 127.0.0.1")
        }
        port = try object.integer("port", in: 0...65535, default: 8080)
    }
}

extension ServerConfig {
    init(object: ConfigObject) throws(ConfigError) {
        threads = try object.integer("threads", in: 0...256, default: 0)
        connectionLimit = try object.integer("connection_limit", in: 1...1_000_000, default: 10000)
        connectionTimeoutSeconds = try object.integer("connection_timeout_s", in: 1...3600, default: 30)
    }
}

extension SourceConfig {
    static let knownKeys: Set<String> = ["name", "base_url", "path", "timeout_ms", "connect_timeout_ms",
                                         "max_in_flight", "max_response_bytes"]

    init(object: ConfigObject) throws(ConfigError) {
        name = try object.requiredString("name")
        guard Self.isValidName(name) else {
            throw ConfigError(path: object.keyPath("name"), problem: "must be 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter")
        }
        baseURL = try Self.validatedBaseURL(object.requiredString("base_url"), path: object.keyPath("base_url"))
        path = try object.requiredString("path")
        guard path.hasPrefix("/"), path.ranges(of: Self.propertyIDPlaceholder).count == 1 else {
            throw ConfigError(path: object.keyPath("path"), problem: "must start with '/' and contain {property_id} exactly once")
        }
        guard !path.contains("?"), !path.contains("#") else {
            throw ConfigError(path: object.keyPath("path"), problem: "must not contain a query or fragment")
        }
        timeoutMs = try object.integer("timeout_ms", in: 1...600_000)
        connectTimeoutMs = try object.integer("connect_timeout_ms", in: 1...600_000, default: min(300, timeoutMs))
        guard connectTimeoutMs <= timeoutMs else {
            throw ConfigError(path: object.keyPath("connect_timeout_ms"), problem: "must not exceed timeout_ms (\(timeoutMs))")
        }
        maxInFlight = try object.integer("max_in_flight", in: 1...100_000, default: 256)
        maxResponseBytes = try object.integer("max_response_bytes", in: 1...(256 << 20), default: 1 << 20)
    }

    static func isValidName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard (1...32).contains(utf8.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(utf8[0]) else { return false }
        return utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    /// `http(s)://host[:port][/prefix]` with no credentials, query or fragment; returned without a trailing slash.
    static func validatedBaseURL(_ url: String, path: String) throws(ConfigError) -> String {
        let scheme: String
        if url.hasPrefix("http://") { scheme = "http://" } else if url.hasPrefix("https://") { scheme = "https://" } else {
            throw ConfigError(path: path, problem: "must start with http:// or https://")
        }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.hasPrefix(":") else {
            throw ConfigError(path: path, problem: "must name a host")
        }
        guard !url.contains("@"), !url.contains("?"), !url.contains("#"), !url.contains(where: \.isWhitespace) else {
            throw ConfigError(path: path, problem: "must not contain credentials, a query, a fragment or spaces")
        }
        var host = authority[...]
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let digits = authority[authority.index(after: colon)...]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let port = Int(digits), (1...65535).contains(port) else {
                throw ConfigError(path: path, problem: "has an invalid port")
            }
            host = authority[..<colon]
        }
        let isBracketedIPv6 = host.hasPrefix("[") && host.hasSuffix("]")
        guard isBracketedIPv6 || host.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw ConfigError(path: path, problem: "has an invalid host name")
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
