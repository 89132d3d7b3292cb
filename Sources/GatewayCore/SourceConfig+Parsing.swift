import Glibc
import GatewayJSON

extension SourceConfig {
    static let knownKeys: Set<String> = ["name", "base_url", "path", "timeout_ms", "connect_timeout_ms",
                                         "max_in_flight", "max_response_bytes", "tls", "circuit_breaker", "retry", "cache_ttl_ms", "policy", "labels"]

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
        guard Self.isURIPath(path.replacing(Self.propertyIDPlaceholder, with: "")) else {
            throw ConfigError(path: object.keyPath("path"),
                              problem: "may hold only URL path characters (letters, digits, -._~!$&'()*+,;=:@/ and %XX escapes)")
        }
        pathAroundID = Self.split(path)
        timeoutMs = try object.integer("timeout_ms", in: 1...600_000)
        connectTimeoutMs = try object.integer("connect_timeout_ms", in: 1...600_000, default: min(300, timeoutMs))
        guard connectTimeoutMs <= timeoutMs else {
            throw ConfigError(path: object.keyPath("connect_timeout_ms"), problem: "must not exceed timeout_ms (\(timeoutMs))")
        }
        maxInFlight = try object.integer("max_in_flight", in: 1...100_000, default: 256)
        maxResponseBytes = try object.integer("max_response_bytes", in: 1...(256 << 20), default: 1 << 20)
        tls = try object.object("tls", knownKeys: ["ca_file", "client_cert_file", "client_key_file"]).map(UpstreamTLSConfig.init)
        circuitBreaker = try object.object("circuit_breaker", knownKeys: CircuitBreakerConfig.knownKeys)
            .map(CircuitBreakerConfig.init) ?? CircuitBreakerConfig()
        retry = try object.object("retry", knownKeys: RetryPolicy.knownKeys).map(RetryPolicy.init) ?? RetryPolicy()
        cacheTTLMs = try object.integer("cache_ttl_ms", in: 0...86_400_000, default: 0)
        let policyName = try object.string("policy") ?? SourcePolicy.optional.rawValue
        guard let policy = SourcePolicy(rawValue: policyName) else {
            throw ConfigError(path: object.keyPath("policy"), problem: "must be \"required\" or \"optional\"")
        }
        self.policy = policy
        labels = try FieldLabel.parseAll(object.object("labels", knownKeys: nil))
        if tls != nil, !baseURL.hasPrefix("https://") {
            throw ConfigError(path: object.keyPath("tls"), problem: "is only for https:// base URLs")
        }
    }

    /// The rule for source and role names.
    static func isValidName(_ name: String) -> Bool {
        ConfigObject.isLowercaseName(name, maxLength: 32, hyphens: true)
    }

    /// Whether `path` is made only of RFC 3986 path characters (`pchar` and `/`), so that libcurl
    /// accepts every URL built from it: a space or control character would fail each call at run time.
    static func isURIPath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[index + 1].isASCIIHexDigit, bytes[index + 2].isASCIIHexDigit else { return false }
                index += 3
                continue
            }
            guard byte.isASCIIAlphanumeric || uriPathPunctuation.contains(byte) else { return false }
            index += 1
        }
        return true
    }

    /// RFC 3986 `unreserved` and `sub-delims` punctuation, `:` and `@` (`pchar`), and `/`.
    private static let uriPathPunctuation = Set("-._~!$&'()*+,;=:@/".utf8)

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
        if isBracketedIPv6 {
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1 else {
                throw ConfigError(path: path, problem: "has an invalid IPv6 address in brackets")
            }
        }
        guard isBracketedIPv6 || host.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw ConfigError(path: path, problem: "has an invalid host name")
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }
}

extension UpstreamTLSConfig {
    init(object: ConfigObject) throws(ConfigError) {
        caFile = try object.string("ca_file")
        clientCertFile = try object.string("client_cert_file")
        clientKeyFile = try object.string("client_key_file")
        if (clientCertFile == nil) != (clientKeyFile == nil) {
            throw ConfigError(path: object.keyPath(clientCertFile == nil ? "client_cert_file" : "client_key_file"),
                              problem: "client_cert_file and client_key_file go together")
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
