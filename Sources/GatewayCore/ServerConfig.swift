/// Tuning of the HTTP listener.
public struct ServerConfig: Sendable, Equatable {
    /// Event loops (threads that read requests, fetch from departments and answer); `0` means one
    /// per core, but at least 2.
    public var threads: Int
    public var connectionLimit: Int
    /// Connections one client address may hold, so one client cannot take every slot; generous
    /// because desks may share a NAT address. `0` means no limit. Behind a trusted proxy it counts
    /// each forwarded client's requests in progress instead, and the proxy's own connections are
    /// not limited.
    public var perIPConnectionLimit: Int
    /// Idle keep-alive connections are closed after this many seconds.
    public var connectionTimeoutSeconds: Int
    /// A request's line and headers must be complete this many seconds after it started, however
    /// slowly they trickle; later, it is answered `408` and closed.
    public var headerTimeoutSeconds: Int
    /// On SIGTERM, in-flight requests get this long to finish.
    public var drainTimeoutSeconds: Int
    /// Front proxies whose `X-Forwarded-For` / `Forwarded` name the client (`server.trusted_proxies`).
    public var trustedProxies: TrustedProxies

    public init(threads: Int = 0, connectionLimit: Int = 10000, perIPConnectionLimit: Int = 1000, connectionTimeoutSeconds: Int = 30,
                headerTimeoutSeconds: Int = 10, drainTimeoutSeconds: Int = 10, trustedProxies: TrustedProxies = TrustedProxies()) {
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.drainTimeoutSeconds = drainTimeoutSeconds
        self.trustedProxies = trustedProxies
    }
}
