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
    public var console: ConsoleConfig

    public init(listen: ListenConfig, deadlineMs: Int = 3000, maxBodyBytes: Int = 65536,
                server: ServerConfig = ServerConfig(), tls: TLSConfig? = nil, limits: LimitsConfig = LimitsConfig(),
                sources: [SourceConfig], clients: [ClientConfig] = [], roles: [String: RoleConfig] = [:],
                audit: AuditConfig = AuditConfig(path: "var/audit/audit.jsonl"), defaultRateLimit: RateLimit? = nil,
                logLevel: LogLevel = .info, checks: ConsistencyChecks = ConsistencyChecks(),
                console: ConsoleConfig = ConsoleConfig()) {
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
        self.console = console
    }

    public func source(named name: String) -> SourceConfig? {
        sources.first { $0.name == name }
    }
}
