import Testing
import GatewayCore
import GatewayCrypto

/// Three clients with distinct keys, as a config would hold them (hashes only).
private let desk = ClientConfig(id: "desk", role: "clerk", apiKey: "egk_desk-key-0001")
private let audit = ClientConfig(id: "audit", role: "auditor", apiKey: "egk_audit-key-0002")
private let registry = ClientConfig(id: "registry", role: "land_records", apiKey: "egk_registry-key-0003")
private let authenticator = Authenticator(clients: [desk, audit, registry])

struct AuthenticatorTests {
    /// Each client's key authenticates as exactly that client, not another one.
    @Test(arguments: [
        ("egk_desk-key-0001", "desk"),
        ("egk_audit-key-0002", "audit"),
        ("egk_registry-key-0003", "registry"),
    ])
    func eachKeyMapsToItsClient(_ key: String, _ id: String) throws {
        let outcome = authenticator.authenticate(authorization: "Bearer " + key)
        guard case .authenticated(let client) = outcome else {
            Issue.record("expected \(id), got \(outcome)")
            return
        }
        #expect(client.id == id)
        #expect(client == [desk, audit, registry].first { $0.id == id })
    }

    /// The Bearer scheme is case-insensitive (RFC 6750) and spaces around the token are ignored.
    @Test(arguments: [
        "bearer egk_desk-key-0001",
        "BEARER egk_desk-key-0001",
        "BeArEr egk_desk-key-0001",
        "Bearer    egk_desk-key-0001",
        "Bearer egk_desk-key-0001   ",
        "  Bearer   egk_desk-key-0001  ",
        "Bearer egk_desk-key-0001\t",
    ])
    func tolerantSchemeAndSpacing(_ header: String) {
        #expect(authenticator.authenticate(authorization: header) == .authenticated(desk))
    }

    /// A header that carries no Bearer token at all is "missing credentials", not "unknown key".
    @Test(arguments: [
        nil,
        "",
        " ",
        "Bearer",
        "Bearer ",
        "Bearer   ",
        "Bearer \t ",
        "Basic xyz",
        "Basic egk_desk-key-0001",
        "Token egk_desk-key-0001",
        "Bearer\tegk_desk-key-0001",
        "Beareregk_desk-key-0001",
        "egk_desk-key-0001",
    ] as [String?])
    func missingCredentials(_ header: String?) {
        #expect(authenticator.authenticate(authorization: header) == .missingCredentials)
    }

    /// A Bearer token that is no client's key is an unknown key, however close it comes to one.
    @Test(arguments: [
        "Bearer wrong-key",
        "Bearer egk_desk-key-000",
        "Bearer egk_desk-key-00011",
        "Bearer EGK_DESK-KEY-0001",
        "Bearer egk_desk-key-0001 egk_audit-key-0002",
        "Bearer egk_desk-key-0001,",
        "Bearer \"egk_desk-key-0001\"",
    ])
    func unknownKey(_ header: String) {
        #expect(authenticator.authenticate(authorization: header) == .unknownKey)
    }

    /// The stored hash is not itself a credential: presenting any client's hash hex (either case) fails.
    @Test(arguments: [desk, audit, registry])
    func hashIsNotACredential(_ client: ClientConfig) {
        let hex = Hex.encode(client.apiKeySHA256)
        #expect(hex.utf8.count == 64)
        #expect(authenticator.authenticate(authorization: "Bearer " + hex) == .unknownKey)
        #expect(authenticator.authenticate(authorization: "Bearer " + hex.uppercased()) == .unknownKey)
    }

    /// A client configured by hash is found by the key whose SHA-256 that hash is.
    @Test func configuredHashMatchesKey() {
        let hash = Digest.sha256(Array("demo-only-clerk-key-do-not-use-in-production".utf8))
        #expect(Hex.encode(hash) == "115b02f6b0f33535218aa0aae0e64d0af5bf222c62b3d6fb9e96fd6a888e4b1b")
        let client = ClientConfig(id: "demo-registration-desk", role: "clerk", apiKeySHA256: hash)
        let single = Authenticator(clients: [client])
        #expect(single.authenticate(authorization: "Bearer demo-only-clerk-key-do-not-use-in-production") == .authenticated(client))
        #expect(single.authenticate(authorization: "Bearer demo-only-auditor-key-do-not-use-in-production") == .unknownKey)
    }

    /// With no clients configured, every Bearer key is unknown and no header authenticates.
    @Test func noClients() {
        let empty = Authenticator(clients: [])
        #expect(empty.authenticate(authorization: "Bearer egk_desk-key-0001") == .unknownKey)
        #expect(empty.authenticate(authorization: nil) == .missingCredentials)
    }

    /// Keys are compared as exact UTF-8 bytes: a non-ASCII key works, and its NFD spelling is a different key.
    @Test func nonASCIIKeyIsExactBytes() {
        let client = ClientConfig(id: "desk-cn", role: "clerk", apiKey: "钥匙-é")
        let single = Authenticator(clients: [client])
        #expect(single.authenticate(authorization: "Bearer 钥匙-é") == .authenticated(client))
        #expect(single.authenticate(authorization: "Bearer 钥匙-e\u{301}") == .unknownKey)
    }
}
