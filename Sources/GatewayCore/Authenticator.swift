import GatewayCrypto

/// Finds the client behind an `Authorization: Bearer <key>` header.
///
/// Only SHA-256 hashes of keys are held. The presented key's hash is compared with every
/// client's in constant time, and all of them are always compared, so neither the time
/// taken nor an early exit tells which client (or which prefix) came close.
public struct Authenticator: Sendable {
    public enum Outcome: Sendable, Equatable {
        case authenticated(ClientConfig)
        /// No `Authorization` header, or not a Bearer one.
        case missingCredentials
        /// A Bearer key that belongs to no client.
        case unknownKey
    }

    private let clients: [ClientConfig]

    public init(clients: [ClientConfig]) {
        self.clients = clients
    }

    public func authenticate(authorization: String?) -> Outcome {
        guard let authorization, let key = Self.bearerToken(in: authorization) else { return .missingCredentials }
        let presented = Digest.sha256(Array(key.utf8))
        var match: ClientConfig?
        for client in clients where ConstantTime.equal(client.apiKeySHA256, presented) {
            match = client
        }
        return match.map(Outcome.authenticated) ?? .unknownKey
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, RFC 6750), or `nil`.
    static func bearerToken(in header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmingASCIIWhitespace()
        return token.isEmpty ? nil : token
    }
}
