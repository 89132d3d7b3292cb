/// The gateway's configuration (SPEC §3), validated as a whole before anything starts.
public struct GatewayConfig: Sendable {
    public var listen: ListenConfig
    /// The whole dossier must be answered within this many milliseconds.
    public var deadlineMs: Int
    public var maxBodyBytes: Int
    public var server: ServerConfig
    /// TLS for the listener; `nil` serves plain HTTP (loopback, or behind a TLS-terminating proxy).
    public var tls: TLSConfig?
    public var limits: LimitsConfig
    /// Sources in the order their sections appear in a dossier.
    public var sources: [SourceConfig]
    public var clients: [ClientConfig]
    public var roles: [String: RoleConfig]
    public var audit: AuditConfig
    /// Requests per client when the client has no limit of its own; `nil` leaves them unlimited.
    public var defaultRateLimit: RateLimit?
    /// `debug`, `info`, `warning` or `error`; `EXCHANGE_GATEWAY_LOG_LEVEL` overrides it.
    public var logLevel: LogLevel
    /// Consistency checks run over every dossier's unmasked data.
    public var checks: ConsistencyChecks

    public init(listen: ListenConfig, deadlineMs: Int = 3000, maxBodyBytes: Int = 65536,
                server: ServerConfig = ServerConfig(), tls: TLSConfig? = nil, limits: LimitsConfig = LimitsConfig(),
                sources: [SourceConfig], clients: [ClientConfig] = [], roles: [String: RoleConfig] = [:],
                audit: AuditConfig = AuditConfig(path: "var/audit/audit.jsonl"), defaultRateLimit: RateLimit? = nil,
                logLevel: LogLevel = .info, checks: ConsistencyChecks = ConsistencyChecks()) {
        self.listen = listen
        self.deadlineMs = deadlineMs
        self.maxBodyBytes = maxBodyBytes
        self.server = server
        self.tls = tls
        self.limits = limits
        self.sources = sources
        self.clients = clients
        self.roles = roles
        self.audit = audit
        self.defaultRateLimit = defaultRateLimit
        self.logLevel = logLevel
        self.checks = checks
    }

    public func source(named name: String) -> SourceConfig? {
        sources.first { $0.name == name }
    }
}

public struct ListenConfig: Sendable, Equatable {
    /// An IPv4 address; `127.0.0.1` keeps the gateway on loopback.
    public var host: String
    /// `0` picks a free port.
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Tuning of the HTTP listener.
public struct ServerConfig: Sendable, Equatable {
    /// Threads that accept and parse requests; `0` means one per core, but at least 2.
    public var threads: Int
    public var connectionLimit: Int
    /// Connections one client address may hold, so one client cannot take every slot; generous
    /// because desks may share a NAT address. `0` means no limit.
    public var perIPConnectionLimit: Int
    /// Idle keep-alive connections are closed after this many seconds.
    public var connectionTimeoutSeconds: Int
    /// On SIGTERM, in-flight requests get this long to finish.
    public var drainTimeoutSeconds: Int

    public init(threads: Int = 0, connectionLimit: Int = 10000, perIPConnectionLimit: Int = 1000, connectionTimeoutSeconds: Int = 30,
                drainTimeoutSeconds: Int = 10) {
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.drainTimeoutSeconds = drainTimeoutSeconds
    }
}

/// One department API.
public struct SourceConfig: Sendable, Equatable {
    public static let propertyIDPlaceholder = "{property_id}"

    public var name: String
    /// Scheme, host, optional port and optional path prefix, without a trailing slash.
    public var baseURL: String
    /// Starts with `/` and holds `{property_id}` exactly once.
    public var path: String {
        didSet { pathAroundID = Self.split(path) }
    }
    /// The path before and after `{property_id}`, split once rather than per request.
    var pathAroundID: (before: String, after: String)
    public var timeoutMs: Int
    public var connectTimeoutMs: Int
    public var maxInFlight: Int
    public var maxResponseBytes: Int
    /// TLS settings for an `https` base URL.
    public var tls: UpstreamTLSConfig?
    public var circuitBreaker: CircuitBreakerConfig
    public var retry: RetryPolicy
    /// Keep successful answers this long (capped by the department's `Cache-Control: max-age`;
    /// never with `no-store`, `no-cache` or `private`); 0, the default, caches nothing.
    public var cacheTTLMs: Int
    /// Whether a failure of this source fails the whole dossier.
    public var policy: SourcePolicy

    public init(name: String, baseURL: String, path: String, timeoutMs: Int = 1500,
                connectTimeoutMs: Int = 300, maxInFlight: Int = 256, maxResponseBytes: Int = 1 << 20,
                tls: UpstreamTLSConfig? = nil, circuitBreaker: CircuitBreakerConfig = CircuitBreakerConfig(),
                retry: RetryPolicy = RetryPolicy(), cacheTTLMs: Int = 0, policy: SourcePolicy = .optional) {
        self.name = name
        self.baseURL = baseURL
        self.path = path
        self.pathAroundID = Self.split(path)
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxInFlight = maxInFlight
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
        self.circuitBreaker = circuitBreaker
        self.retry = retry
        self.cacheTTLMs = cacheTTLMs
        self.policy = policy
    }

    static func split(_ path: String) -> (before: String, after: String) {
        guard let placeholder = path.ranges(of: propertyIDPlaceholder).first else { return (path, "") }
        return (String(path[..<placeholder.lowerBound]), String(path[placeholder.upperBound...]))
    }

    public static func == (lhs: SourceConfig, rhs: SourceConfig) -> Bool {
        lhs.name == rhs.name && lhs.baseURL == rhs.baseURL && lhs.path == rhs.path && lhs.timeoutMs == rhs.timeoutMs
            && lhs.connectTimeoutMs == rhs.connectTimeoutMs && lhs.maxInFlight == rhs.maxInFlight
            && lhs.maxResponseBytes == rhs.maxResponseBytes && lhs.tls == rhs.tls
            && lhs.circuitBreaker == rhs.circuitBreaker && lhs.retry == rhs.retry && lhs.cacheTTLMs == rhs.cacheTTLMs
            && lhs.policy == rhs.policy
    }
}
