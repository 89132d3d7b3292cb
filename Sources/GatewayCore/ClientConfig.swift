import GatewayCrypto

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
