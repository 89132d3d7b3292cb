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
    var pathAroundID: PathAroundID
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
    /// The console's names for this source's fields, in config order.
    public var labels: [FieldLabel]

    public init(name: String, baseURL: String, path: String, timeoutMs: Int = 1500,
                connectTimeoutMs: Int = 300, maxInFlight: Int = 256, maxResponseBytes: Int = 1 << 20,
                tls: UpstreamTLSConfig? = nil, circuitBreaker: CircuitBreakerConfig = CircuitBreakerConfig(),
                retry: RetryPolicy = RetryPolicy(), cacheTTLMs: Int = 0, policy: SourcePolicy = .optional,
                labels: [FieldLabel] = []) {
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
        self.labels = labels
    }

    struct PathAroundID: Sendable, Equatable {
        let before: String
        let after: String
    }

    static func split(_ path: String) -> PathAroundID {
        guard let placeholder = path.ranges(of: propertyIDPlaceholder).first else { return PathAroundID(before: path, after: "") }
        return PathAroundID(before: String(path[..<placeholder.lowerBound]), after: String(path[placeholder.upperBound...]))
    }
}
