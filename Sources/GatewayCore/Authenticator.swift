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
        let presented = Digest.sha256(key.utf8)
        var match: ClientConfig?
        for client in clients where ConstantTime.equal(client.apiKeySHA256, presented) {
            match = client
        }
        return match.map(Outcome.authenticated) ?? .unknownKey
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, RFC 6750), or `nil`: the header's
    /// own bytes, read without making new strings (this runs on every request).
    static func bearerToken(in header: String) -> Substring? {
        let utf8 = header.utf8
        let space = UInt8(ascii: " ")
        guard let schemeStart = utf8.firstIndex(where: { $0 != space }),
              let schemeEnd = utf8[schemeStart...].firstIndex(of: space),
              utf8[schemeStart..<schemeEnd].elementsEqual("bearer".utf8, by: { $0.asciiLowercased == $1 })
        else { return nil }
        let isWhitespace = { (byte: UInt8) in byte == space || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") }
        let rest = utf8[utf8.index(after: schemeEnd)...]
        guard let first = rest.firstIndex(where: { !isWhitespace($0) }), let last = rest.lastIndex(where: { !isWhitespace($0) }) else {
            return nil
        }
        return Substring(utf8[first...last])
    }
}
