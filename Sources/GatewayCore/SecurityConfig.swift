import GatewayCrypto

/// The listener's TLS: certificate and key files, and the lowest protocol version accepted.
public struct TLSConfig: Sendable, Equatable {
    public enum Version: String, Sendable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    public var certFile: String
    public var keyFile: String
    public var minimumVersion: Version

    public init(certFile: String, keyFile: String, minimumVersion: Version = .tls13) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.minimumVersion = minimumVersion
    }
}

/// How the gateway talks TLS to one department: the CA to trust (else the system's) and an
/// optional client certificate for mutual TLS. Certificate verification is always on.
public struct UpstreamTLSConfig: Sendable, Equatable {
    public var caFile: String?
    public var clientCertFile: String?
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
    }
}

/// A calling system or clerk desk: only the SHA-256 of its API key is kept.
public struct ClientConfig: Sendable, Equatable {
    public var id: String
    public var role: String
    public var apiKeySHA256: [UInt8]
    /// This client's own request rate; `nil` means the config's default.
    public var rateLimit: RateLimit?

    public init(id: String, role: String, apiKeySHA256: [UInt8], rateLimit: RateLimit? = nil) {
        self.id = id
        self.role = role
        self.apiKeySHA256 = apiKeySHA256
        self.rateLimit = rateLimit
    }

    /// A client whose key is `apiKey` (tests and tooling; configs carry only the hash).
    public init(id: String, role: String, apiKey: String, rateLimit: RateLimit? = nil) {
        self.init(id: id, role: role, apiKeySHA256: Digest.sha256(Array(apiKey.utf8)), rateLimit: rateLimit)
    }
}

/// What a role may see: which sources, and how each source's data is masked for it.
public struct RoleConfig: Sendable {
    public var name: String
    public var sources: [String]
    public var masking: MaskingPolicy
    /// Per-source rules that replace or add to `masking`'s rules.
    public var sourceMasking: [String: [String: MaskingRule]]

    public init(name: String, sources: [String], masking: MaskingPolicy, sourceMasking: [String: [String: MaskingRule]] = [:]) {
        self.name = name
        self.sources = sources
        self.masking = masking
        self.sourceMasking = sourceMasking
    }

    public func maskingPolicy(for source: String) -> MaskingPolicy {
        guard let overrides = sourceMasking[source] else { return masking }
        return masking.overriding(with: overrides)
    }

    public func mayRead(_ source: String) -> Bool {
        sources.contains(source)
    }
}

/// Limits that keep malformed or abusive input cheap to refuse.
public struct LimitsConfig: Sendable, Equatable {
    /// Longest request target (path and query) accepted; longer is 414.
    public var maxURLBytes: Int
    /// Malformed requests (4xx) one address may send in a burst before it gets 429s.
    public var malformedBurst: Int
    /// How many malformed requests per minute an address regains.
    public var malformedPerMinute: Int
    /// Dossiers being built at once; more wait (newest first once the wait stalls) and are
    /// answered 503 `overloaded` if none finishes before their deadline. Keeps an overloaded
    /// gateway's CPU on dossiers that can still make their deadline.
    public var maxDossiersInProgress: Int

    public init(maxURLBytes: Int = 2048, malformedBurst: Int = 50, malformedPerMinute: Int = 50, maxDossiersInProgress: Int = 512) {
        self.maxURLBytes = maxURLBytes
        self.malformedBurst = malformedBurst
        self.malformedPerMinute = malformedPerMinute
        self.maxDossiersInProgress = maxDossiersInProgress
    }
}
