import Testing
import GatewayCore
import GatewayJSON
import GatewayCrypto
import Glibc

private func sha256Hex(_ key: String) -> String { Hex.encode(Digest.sha256(Array(key.utf8))) }

private let deskHash = sha256Hex("desk-key")
private let auditHash = sha256Hex("audit-key")
private let registryHash = sha256Hex("registry-key")

/// A valid config with three roles and three clients; `tax` is https so source TLS can be tested on it.
private let accessConfigText = """
{
  "sources": [
    {"name": "land", "base_url": "http://127.0.0.1:9101", "path": "/land/{property_id}", "timeout_ms": 1500},
    {"name": "tax", "base_url": "https://tax.example.gov.cn", "path": "/property-tax/{property_id}", "timeout_ms": 1500},
    {"name": "house", "base_url": "http://127.0.0.1:9103", "path": "/house/{property_id}", "timeout_ms": 1500}
  ],
  "roles": {
    "clerk": {"sources": ["land", "tax", "house"],
              "views": {"land": {"/right_holder/name": "name"}, "tax": {"/taxpayer/taxpayer_id": "id_card"}, "house": {}}},
    "auditor": {"sources": ["land", "tax", "house"], "view": "all"},
    "land_records": {"sources": ["land"], "views": {"land": {"/mortgage/mortgagee": "redact"}}}
  },
  "clients": [
    {"id": "desk", "role": "clerk", "api_key_sha256": "\(deskHash)"},
    {"id": "audit", "role": "auditor", "api_key_sha256": "\(auditHash)"},
    {"id": "registry", "role": "land_records", "api_key_sha256": "\(registryHash)"}
  ],
  "audit": {"path": "var/audit/audit.jsonl"}
}
"""

/// HMAC keys of at least 32 bytes, as the config requires.
private let envHMACKey = "hmac-from-env-0123456789abcdef-0123"
private let fileHMACKey = "hmac-from-file-0123456789abcdef-012"
/// `openssl rand 32`-style bytes: NUL, invalid UTF-8, and white space at both ends, all part of the key.
private let binaryHMACKey: [UInt8] = [0x0A, 0x20, 0x00, 0xFF, 0xFE, 0xC3] + (0..<24).map { UInt8($0 * 7 + 1) } + [0x09, 0x20]

/// Secrets come only from here: a fake environment and a fake file system.
private let testEnvironment = ConfigEnvironment(
    variable: { name in
        [
            "EXCHANGE_GATEWAY_HMAC_KEY": envHMACKey,
            "EXCHANGE_GATEWAY_HMAC_SHORT": "0123456789abcdef0123456789abcde",
            "EXCHANGE_GATEWAY_DESK_SHA256": deskHash,
            "EXCHANGE_GATEWAY_BLANK": " \n\t",
            "HOME": "/root",
            "HMAC_KEY": "not-prefixed",
        ][name]
    },
    file: { path throws(FileBytes.ReadFailure) in
        guard let bytes = [
            "/run/secrets/desk.sha256": Array((deskHash + "\n").utf8),
            "/run/secrets/desk-upper.sha256": Array(("  " + deskHash.uppercased() + "\n\n").utf8),
            "/run/secrets/desk-crlf.sha256": Array((deskHash + "\r\n").utf8),
            "/run/secrets/hmac": Array((fileHMACKey + "\n").utf8),
            "/run/secrets/hmac-crlf": Array((fileHMACKey + "\r\n").utf8),
            "/run/secrets/hmac-binary": binaryHMACKey,
            "/run/secrets/hmac-binary-lf": binaryHMACKey + [0x0A],
            "/run/secrets/hmac-short": Array("0123456789abcdef0123456789abcde\n".utf8),
            "/run/secrets/hmac-newlines": Array("0123456789abcdef0123456789abcde\n\n".utf8),
            "/run/secrets/empty": [],
            "/run/secrets/blank": Array("\n  \n".utf8),
        ][path] else { throw .system(ENOENT) }
        return bytes
    })

private func parse(_ mutate: (JSON) -> Void = { _ in }) throws(ConfigError) -> GatewayConfig {
    let root: JSON
    do { root = try JSON.parse(accessConfigText) } catch { fatalError("base config does not parse: \(error)") }
    mutate(root)
    return try GatewayConfig.parse(root.encoded(), environment: testEnvironment)
}

private func object(_ entries: KeyValuePairs<String, String>) -> JSON {
    let result = JSON.object()
    for (key, value) in entries { result[key] = JSON(value) }
    return result
}

struct AccessConfigTests {
    /// The base config of this file is valid, so each rejected variant fails for its own change only.
    @Test func baselineIsValid() throws {
        let config = try parse()
        #expect(config.clients == [
            ClientConfig(id: "desk", role: "clerk", apiKey: "desk-key"),
            ClientConfig(id: "audit", role: "auditor", apiKey: "audit-key"),
            ClientConfig(id: "registry", role: "land_records", apiKey: "registry-key"),
        ])
        #expect(Set(config.roles.keys) == ["clerk", "auditor", "land_records"])
        #expect(config.roles["land_records"]?.sources == ["land"])
        let clerk = try #require(config.roles["clerk"])
        #expect(try entry(clerk.view(for: "land"), "/right_holder/name") == .leaf(.name))
        #expect(try entry(clerk.view(for: "tax"), "/taxpayer/taxpayer_id") == .leaf(.idCard))
        #expect(clerk.view(for: "house").trie.nodeCount == 1)
        #expect(config.roles["auditor"]?.view(for: "tax").servesEverything == true)
        #expect(clerk.view(for: "land").hmacKey == nil)
        #expect(config.tls == nil)
        #expect(config.limits == LimitsConfig())
    }

    /// The bundled config has the three demo clients and roles; auditor skips PII detection, the others do it.
    @Test func bundledConfigAccessSections() throws {
        let config = try GatewayConfig.load(path: Repository.bundledConfig,
                                            environment: testEnvironment)
        #expect(config.clients.map(\.id) == ["demo-registration-desk", "demo-audit-office", "demo-land-registry"])
        #expect(config.clients.map(\.role) == ["clerk", "auditor", "land_records"])
        #expect(Set(config.roles.keys) == ["clerk", "auditor", "land_records"])
        let clerk = try #require(config.roles["clerk"])
        let auditor = try #require(config.roles["auditor"])
        let landRecords = try #require(config.roles["land_records"])
        for source in ["land", "tax", "house"] {
            #expect(clerk.view(for: source).detectPII && !clerk.view(for: source).servesEverything)
            #expect(!auditor.view(for: source).detectPII && auditor.view(for: source).servesEverything)
        }
        #expect(landRecords.view(for: "land").detectPII)
        let tax = clerk.view(for: "tax")
        #expect(try entry(tax, "/taxpayer/taxpayer_id") == .leaf(.idCard))
        let land = landRecords.view(for: "land")
        #expect(try entry(land, "/mortgage/mortgagee") == .leaf(.redact))
        // The clerk serves the mortgagee, land_records does not: both are paths of the one land trie.
        #expect(try entry(clerk.view(for: "land"), "/mortgage/mortgagee") == .leaf(.clear))
        #expect(clerk.sources == ["land", "tax", "house"])
        #expect(landRecords.sources == ["land"])
        #expect(landRecords.mayRead("land") && !landRecords.mayRead("tax"))
        #expect(config.tls == nil)
        #expect(config.limits == LimitsConfig(maxURLBytes: 2048, malformedBurst: 50, malformedPerMinute: 50))
    }

    /// The README's demo keys authenticate as the bundled demo clients.
    @Test(arguments: [
        ("demo-only-clerk-key-do-not-use-in-production", "demo-registration-desk"),
        ("demo-only-auditor-key-do-not-use-in-production", "demo-audit-office"),
        ("demo-only-land-registry-key-do-not-use-in-production", "demo-land-registry"),
    ])
    func bundledDemoKeys(_ key: String, _ id: String) throws {
        let config = try GatewayConfig.load(path: Repository.bundledConfig,
                                            environment: testEnvironment)
        let outcome = Authenticator(clients: config.clients).authenticate(authorization: "Bearer " + key)
        guard case .authenticated(let client) = outcome else {
            Issue.record("\(id): \(outcome)")
            return
        }
        #expect(client.id == id)
    }

    /// detect_pii defaults to true except for a role with "view": "all", and an explicit value wins either way.
    @Test func detectPIIDefaultsAndOverrides() throws {
        let defaults = try parse()
        #expect(defaults.roles["clerk"]?.view(for: "land").detectPII == true)
        #expect(defaults.roles["auditor"]?.view(for: "land").detectPII == false)
        #expect(defaults.roles["land_records"]?.view(for: "land").detectPII == true)
        let explicit = try parse { root in
            root["roles"]!["clerk"]!["detect_pii"] = JSON(false)
            root["roles"]!["auditor"]!["detect_pii"] = JSON(true)
        }
        #expect(explicit.roles["clerk"]?.view(for: "tax").detectPII == false)
        #expect(explicit.roles["auditor"]?.view(for: "tax").detectPII == true)
    }

    /// The hmac treatment is accepted when masking.hmac_key_env or hmac_key_file supplies the key. A file's
    /// bytes are the key exactly, binary included, but for one final line ending.
    @Test(arguments: [
        ("hmac_key_env", "EXCHANGE_GATEWAY_HMAC_KEY", Array(envHMACKey.utf8)),
        ("hmac_key_file", "/run/secrets/hmac", Array(fileHMACKey.utf8)),
        ("hmac_key_file", "/run/secrets/hmac-binary", binaryHMACKey),
        ("hmac_key_file", "/run/secrets/hmac-binary-lf", binaryHMACKey),
        ("hmac_key_file", "/run/secrets/hmac-newlines", Array("0123456789abcdef0123456789abcde\n".utf8)),
    ])
    func hmacTreatmentWithKey(_ setting: String, _ reference: String, _ key: [UInt8]) throws {
        let config = try parse { root in
            let masking = JSON.object()
            masking[setting] = JSON(reference)
            root["masking"] = masking
            root["roles"]!["clerk"]!["views"]!["tax"]!["/taxpayer/taxpayer_id"] = JSON("hmac")
        }
        let tax = try #require(config.roles["clerk"]?.view(for: "tax"))
        #expect(try entry(tax, "/taxpayer/taxpayer_id") == .leaf(.hmac))
        #expect(tax.hmacKey == key)
        #expect(config.roles["clerk"]?.view(for: "house").hmacKey == key)
    }

    /// A client's hash may come inline, from a file (trimmed, either case) or from an EXCHANGE_GATEWAY_ variable.
    @Test(arguments: [
        ("api_key_sha256", deskHash.uppercased()),
        ("api_key_sha256", " \(deskHash)\n"),
        ("api_key_sha256_file", "/run/secrets/desk.sha256"),
        ("api_key_sha256_file", "/run/secrets/desk-upper.sha256"),
        ("api_key_sha256_env", "EXCHANGE_GATEWAY_DESK_SHA256"),
    ])
    func clientHashSources(_ setting: String, _ reference: String) throws {
        let config = try parse { root in
            let desk = root["clients"]!.elements[0]
            desk["api_key_sha256"] = nil
            desk[setting] = JSON(reference)
        }
        #expect(config.clients[0] == ClientConfig(id: "desk", role: "clerk", apiKey: "desk-key"))
        #expect(Authenticator(clients: config.clients).authenticate(authorization: "Bearer desk-key")
            == .authenticated(config.clients[0]))
    }

    /// Secret files written with CRLF line endings are trimmed like LF ones: the hash file is accepted
    /// and the HMAC key does not silently gain a trailing "\r\n".
    @Test func secretFilesWithCRLFAreTrimmed() throws {
        let config = try parse { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_file"] = JSON("/run/secrets/desk-crlf.sha256")
        }
        #expect(config.clients[0] == ClientConfig(id: "desk", role: "clerk", apiKey: "desk-key"))
        let withKey = try parse { root in
            root["masking"] = object(["hmac_key_file": "/run/secrets/hmac-crlf"])
            root["roles"]!["clerk"]!["views"]!["tax"]!["/taxpayer/taxpayer_id"] = JSON("hmac")
        }
        #expect(withKey.roles["clerk"]?.view(for: "tax").hmacKey == Array(fileHMACKey.utf8))
    }

    /// tls with both files null means plain HTTP; with both files it is TLS 1.3 unless min_version is "1.2".
    @Test func listenerTLS() throws {
        let off = try parse { root in
            root["tls"] = JSON.object(["cert_file": JSON.null(), "key_file": JSON.null(), "min_version": JSON("1.3")])
        }
        #expect(off.tls == nil)
        let empty = try parse { root in root["tls"] = JSON.object() }
        #expect(empty.tls == nil)
        let on = try parse { root in root["tls"] = object(["cert_file": "/etc/gw/cert.pem", "key_file": "/etc/gw/key.pem"]) }
        #expect(on.tls == TLSConfig(certFile: "/etc/gw/cert.pem", keyFile: "/etc/gw/key.pem", minimumVersion: .tls13))
        let tls12 = try parse { root in
            root["tls"] = object(["cert_file": "/etc/gw/cert.pem", "key_file": "/etc/gw/key.pem", "min_version": "1.2"])
        }
        #expect(tls12.tls?.minimumVersion == .tls12)
    }

    /// An https source takes a CA file and a client certificate/key pair; without tls it has none.
    @Test func sourceTLS() throws {
        let config = try parse { root in
            root["sources"]!.elements[1]["tls"] = object([
                "ca_file": "/etc/gw/tax-ca.pem", "client_cert_file": "/etc/gw/gw.pem", "client_key_file": "/etc/gw/gw.key",
            ])
        }
        #expect(config.source(named: "tax")?.tls
            == UpstreamTLSConfig(caFile: "/etc/gw/tax-ca.pem", clientCertFile: "/etc/gw/gw.pem", clientKeyFile: "/etc/gw/gw.key"))
        #expect(config.source(named: "land")?.tls == nil)
        let caOnly = try parse { root in root["sources"]!.elements[1]["tls"] = object(["ca_file": "/etc/gw/tax-ca.pem"]) }
        #expect(caOnly.source(named: "tax")?.tls == UpstreamTLSConfig(caFile: "/etc/gw/tax-ca.pem"))
    }

    /// limits are read within their ranges, boundaries included.
    @Test func limitsWithinRange() throws {
        let low = try parse { root in
            root["limits"] = JSON.object(["max_url_bytes": JSON(256), "malformed_burst": JSON(1), "malformed_per_minute": JSON(1),
                                          "max_dossiers_in_progress": JSON(1)])
        }
        #expect(low.limits == LimitsConfig(maxURLBytes: 256, malformedBurst: 1, malformedPerMinute: 1, maxDossiersInProgress: 1))
        let high = try parse { root in
            root["limits"] = JSON.object(["max_url_bytes": JSON(4096), "malformed_burst": JSON(1_000_000),
                                          "malformed_per_minute": JSON(1_000_000), "max_dossiers_in_progress": JSON(100_000)])
        }
        #expect(high.limits == LimitsConfig(maxURLBytes: 4096, malformedBurst: 1_000_000, malformedPerMinute: 1_000_000,
                                            maxDossiersInProgress: 100_000))
        let partial = try parse { root in root["limits"] = JSON.object(["malformed_burst": JSON(5)]) }
        #expect(partial.limits == LimitsConfig(maxURLBytes: 2048, malformedBurst: 5, malformedPerMinute: 50))
    }

    /// Each invalid roles/clients/secrets/tls/limits section is rejected with the key path of the mistake.
    @Test(arguments: [
        // roles
        InvalidConfig("roles", "roles missing") { $0["roles"] = nil },
        InvalidConfig("roles", "no roles") { $0["roles"] = JSON.object() },
        InvalidConfig("roles", "roles not an object") { $0["roles"] = JSON.array() },
        InvalidConfig("roles.clerk", "role not an object") { $0["roles"]!["clerk"] = JSON("land") },
        InvalidConfig("roles.Clerk", "role name not lower case") { $0["roles"]!["Clerk"] = JSON.object(["sources": JSON.array([JSON("land")])]) },
        InvalidConfig("roles.clerk.sources", "role without sources") { $0["roles"]!["clerk"]!["sources"] = nil },
        InvalidConfig("roles.clerk.sources[1]", "unknown source") { $0["roles"]!["clerk"]!["sources"]!.replaceElement(at: 1, with: JSON("ghost")) },
        InvalidConfig("roles.clerk.sources", "role reading no source") { $0["roles"]!["clerk"]!["sources"] = JSON.array() },
        InvalidConfig("roles.clerk.sources[2]", "source listed twice") {
            $0["roles"]!["clerk"]!["sources"]!.replaceElement(at: 2, with: JSON("land"))
        },
        InvalidConfig("roles.land_records.sources[1]", "source listed twice in a row") {
            $0["roles"]!["land_records"]!["sources"]!.append(JSON("land"))
        },
        InvalidConfig("roles.clerk.sources[0]", "source not a string") { $0["roles"]!["clerk"]!["sources"]!.replaceElement(at: 0, with: JSON(1)) },
        InvalidConfig("roles.clerk.sourcez", "unknown role key") { $0["roles"]!["clerk"]!["sourcez"] = JSON.array() },
        // views (README, Views)
        InvalidConfig("roles.clerk.masking", "the old masking key") { $0["roles"]!["clerk"]!["masking"] = object(["name": "name"]) },
        InvalidConfig("roles.clerk.source_masking", "the old source_masking key") {
            $0["roles"]!["clerk"]!["source_masking"] = JSON.object(["tax": object(["name": "none"])])
        },
        InvalidConfig("roles.clerk", "neither views nor view") { $0["roles"]!["clerk"]!["views"] = nil },
        InvalidConfig("roles.auditor.view", "view and views together") { $0["roles"]!["auditor"]!["views"] = JSON.object() },
        InvalidConfig("roles.auditor.view", "view other than all") { $0["roles"]!["auditor"]!["view"] = JSON("everything") },
        InvalidConfig("roles.auditor.view", "view not a string") { $0["roles"]!["auditor"]!["view"] = JSON(true) },
        InvalidConfig("roles.clerk.views", "views not an object") { $0["roles"]!["clerk"]!["views"] = JSON.array() },
        InvalidConfig("roles.clerk.views.house", "no view of a source the role may read") { $0["roles"]!["clerk"]!["views"]!["house"] = nil },
        InvalidConfig("roles.clerk.views.house", "a source's view not an object") { $0["roles"]!["clerk"]!["views"]!["house"] = JSON("all") },
        InvalidConfig("roles.land_records.views.tax", "a view of a source the role may not read") {
            $0["roles"]!["land_records"]!["views"]!["tax"] = JSON.object()
        },
        InvalidConfig("roles.clerk.views.ghost", "a view of a source that does not exist") { $0["roles"]!["clerk"]!["views"]!["ghost"] = JSON.object() },
        InvalidConfig("roles.clerk.views.land./right_holder/name", "unknown treatment") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder/name"] = JSON("nickname")
        },
        InvalidConfig("roles.clerk.views.land./right_holder/name", "treatment not a string") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder/name"] = JSON(true)
        },
        InvalidConfig("roles.clerk.views.land./right_holder/name", "the old none rule") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder/name"] = JSON("none")
        },
        InvalidConfig("roles.clerk.views.land./right_holder/name", "the old hash rule") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder/name"] = JSON("hash")
        },
        InvalidConfig("roles.clerk.views.tax./taxpayer/taxpayer_id", "hmac without masking key") {
            $0["roles"]!["clerk"]!["views"]!["tax"]!["/taxpayer/taxpayer_id"] = JSON("hmac")
        },
        InvalidConfig("roles.clerk.views.land.right_holder", "pointer without a leading slash") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["right_holder"] = JSON("clear")
        },
        InvalidConfig("roles.clerk.views.land./a~2b", "pointer with a bad escape") { $0["roles"]!["clerk"]!["views"]!["land"]!["/a~2b"] = JSON("clear") },
        InvalidConfig("roles.clerk.views.land./a~", "pointer ending in ~") { $0["roles"]!["clerk"]!["views"]!["land"]!["/a~"] = JSON("clear") },
        InvalidConfig("roles.clerk.views.land.", "empty pointer: the whole body") { $0["roles"]!["clerk"]!["views"]!["land"]![""] = JSON("clear") },
        InvalidConfig("roles.clerk.views.land./*/name", "a body is no array") { $0["roles"]!["clerk"]!["views"]!["land"]!["/*/name"] = JSON("name") },
        InvalidConfig("roles.clerk.views.land." + String(repeating: "/a", count: 33), "pointer deeper than 32 segments") {
            $0["roles"]!["clerk"]!["views"]!["land"]![String(repeating: "/a", count: 33)] = JSON("clear")
        },
        InvalidConfig("roles.clerk.views.land./right_holder", "a leaf that is also a prefix (deeper path first)") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder"] = JSON("redact")
        },
        InvalidConfig("roles.clerk.views.land./right_holder/name/first", "a path below a leaf") {
            $0["roles"]!["clerk"]!["views"]!["land"]!["/right_holder/name/first"] = JSON("clear")
        },
        InvalidConfig("roles.clerk.detect_pii", "detect_pii not a bool") { $0["roles"]!["clerk"]!["detect_pii"] = JSON("yes") },
        // masking keys
        InvalidConfig("masking.hmac_key_env", "env var without EXCHANGE_GATEWAY_ prefix") {
            $0["masking"] = object(["hmac_key_env": "HOME"])
        },
        InvalidConfig("masking.hmac_key_env", "env var unset") { $0["masking"] = object(["hmac_key_env": "EXCHANGE_GATEWAY_UNSET"]) },
        InvalidConfig("masking.hmac_key_env", "env var blank") { $0["masking"] = object(["hmac_key_env": "EXCHANGE_GATEWAY_BLANK"]) },
        InvalidConfig("masking.hmac_key_file", "unreadable key file") { $0["masking"] = object(["hmac_key_file": "/run/secrets/missing"]) },
        InvalidConfig("masking.hmac_key_file", "empty key file") { $0["masking"] = object(["hmac_key_file": "/run/secrets/empty"]) },
        InvalidConfig("masking.hmac_key_env", "both key file and env") {
            $0["masking"] = object(["hmac_key_file": "/run/secrets/hmac", "hmac_key_env": "EXCHANGE_GATEWAY_HMAC_KEY"])
        },
        InvalidConfig("masking.hmac_key", "inline HMAC key is not allowed") { $0["masking"] = object(["hmac_key": "s3cret"]) },
        InvalidConfig("masking.hmac_key_file", "31-byte key file") { $0["masking"] = object(["hmac_key_file": "/run/secrets/hmac-short"]) },
        InvalidConfig("masking.hmac_key_env", "31-byte key variable") { $0["masking"] = object(["hmac_key_env": "EXCHANGE_GATEWAY_HMAC_SHORT"]) },
        // clients
        InvalidConfig("clients", "clients missing") { $0["clients"] = nil },
        InvalidConfig("clients", "no clients") { $0["clients"] = JSON.array() },
        InvalidConfig("clients", "clients not an array") { $0["clients"] = JSON.object() },
        InvalidConfig("clients[0]", "client not an object") { $0["clients"]!.replaceElement(at: 0, with: JSON("desk")) },
        InvalidConfig("clients[0].role", "unknown role") { $0["clients"]!.elements[0]["role"] = JSON("ghost") },
        InvalidConfig("clients[0].role", "role missing") { $0["clients"]!.elements[0]["role"] = nil },
        InvalidConfig("clients[0].id", "id missing") { $0["clients"]!.elements[0]["id"] = nil },
        InvalidConfig("clients[0].id", "id with a space") { $0["clients"]!.elements[0]["id"] = JSON("desk 1") },
        InvalidConfig("clients[0].id", "id too long") { $0["clients"]!.elements[0]["id"] = JSON(String(repeating: "d", count: 65)) },
        InvalidConfig("clients[1].id", "duplicate client id") { $0["clients"]!.elements[1]["id"] = JSON("desk") },
        InvalidConfig("clients[0].api_key_sha256", "hash missing") { $0["clients"]!.elements[0]["api_key_sha256"] = nil },
        InvalidConfig("clients[0].api_key_sha256", "63 hex digits") {
            $0["clients"]!.elements[0]["api_key_sha256"] = JSON(String(deskHash.dropLast()))
        },
        InvalidConfig("clients[0].api_key_sha256", "65 hex digits") { $0["clients"]!.elements[0]["api_key_sha256"] = JSON(deskHash + "0") },
        InvalidConfig("clients[0].api_key_sha256", "64 non-hex characters") {
            $0["clients"]!.elements[0]["api_key_sha256"] = JSON("g" + String(deskHash.dropFirst()))
        },
        InvalidConfig("clients[0].api_key_sha256", "a plain key instead of its hash") {
            $0["clients"]!.elements[0]["api_key_sha256"] = JSON("desk-key")
        },
        InvalidConfig("clients[0].api_key_sha256", "empty hash") { $0["clients"]!.elements[0]["api_key_sha256"] = JSON("") },
        InvalidConfig("clients[0].api_key_sha256", "blank hash") { $0["clients"]!.elements[0]["api_key_sha256"] = JSON("   ") },
        InvalidConfig("clients[0].api_key_sha256", "hash not a string") { $0["clients"]!.elements[0]["api_key_sha256"] = JSON(1) },
        InvalidConfig("clients[2].api_key_sha256", "two clients share one hash") {
            $0["clients"]!.elements[2]["api_key_sha256"] = JSON(deskHash.uppercased())
        },
        InvalidConfig("clients[2].api_key_sha256_file", "a shared hash from a file is blamed on the file setting") { root in
            root["clients"]!.elements[2]["api_key_sha256"] = nil
            root["clients"]!.elements[2]["api_key_sha256_file"] = JSON("/run/secrets/desk.sha256")
        },
        InvalidConfig("clients[2].api_key_sha256_env", "a shared hash from the environment is blamed on the env setting") { root in
            root["clients"]!.elements[2]["api_key_sha256"] = nil
            root["clients"]!.elements[2]["api_key_sha256_env"] = JSON("EXCHANGE_GATEWAY_DESK_SHA256")
        },
        InvalidConfig("clients[0].api_key", "plaintext key setting") { $0["clients"]!.elements[0]["api_key"] = JSON("desk-key") },
        InvalidConfig("clients[0].api_key_sha256_file", "inline hash and hash file") {
            $0["clients"]!.elements[0]["api_key_sha256_file"] = JSON("/run/secrets/desk.sha256")
        },
        InvalidConfig("clients[0].api_key_sha256_env", "hash file and hash env") { root in
            let desk = root["clients"]!.elements[0]
            desk["api_key_sha256"] = nil
            desk["api_key_sha256_file"] = JSON("/run/secrets/desk.sha256")
            desk["api_key_sha256_env"] = JSON("EXCHANGE_GATEWAY_DESK_SHA256")
        },
        InvalidConfig("clients[0].api_key_sha256_file", "unreadable hash file") { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_file"] = JSON("/run/secrets/missing")
        },
        InvalidConfig("clients[0].api_key_sha256_file", "blank hash file") { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_file"] = JSON("/run/secrets/blank")
        },
        InvalidConfig("clients[0].api_key_sha256_env", "hash env without prefix") { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_env"] = JSON("HOME")
        },
        InvalidConfig("clients[0].api_key_sha256_env", "hash env unset") { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_env"] = JSON("EXCHANGE_GATEWAY_UNSET")
        },
        InvalidConfig("clients[0].api_key_sha256_env", "hash env blank") { root in
            root["clients"]!.elements[0]["api_key_sha256"] = nil
            root["clients"]!.elements[0]["api_key_sha256_env"] = JSON("EXCHANGE_GATEWAY_BLANK")
        },
        // listener TLS
        InvalidConfig("tls.key_file", "cert without key") { $0["tls"] = object(["cert_file": "/etc/gw/cert.pem"]) },
        InvalidConfig("tls.cert_file", "key without cert") {
            $0["tls"] = JSON.object(["cert_file": JSON.null(), "key_file": JSON("/etc/gw/key.pem")])
        },
        InvalidConfig("tls.min_version", "TLS 1.1") {
            $0["tls"] = object(["cert_file": "/etc/gw/cert.pem", "key_file": "/etc/gw/key.pem", "min_version": "1.1"])
        },
        InvalidConfig("tls.min_version", "min_version as a number") {
            $0["tls"] = JSON.object(["cert_file": JSON("/c.pem"), "key_file": JSON("/k.pem"), "min_version": JSON(1.3)])
        },
        InvalidConfig("tls.cert_file", "cert_file not a string") { $0["tls"] = JSON.object(["cert_file": JSON(true)]) },
        InvalidConfig("tls.verify", "unknown tls key") { $0["tls"] = JSON.object(["verify": JSON(false)]) },
        InvalidConfig("tls", "tls not an object") { $0["tls"] = JSON(true) },
        // source TLS
        InvalidConfig("sources[0].tls", "tls on an http:// source") { $0["sources"]!.elements[0]["tls"] = object(["ca_file": "/ca.pem"]) },
        InvalidConfig("sources[0].tls", "empty tls on an http:// source") { $0["sources"]!.elements[0]["tls"] = JSON.object() },
        InvalidConfig("sources[1].tls.client_key_file", "client cert without key") {
            $0["sources"]!.elements[1]["tls"] = object(["client_cert_file": "/gw.pem"])
        },
        InvalidConfig("sources[1].tls.client_cert_file", "client key without cert") {
            $0["sources"]!.elements[1]["tls"] = object(["client_key_file": "/gw.key"])
        },
        InvalidConfig("sources[1].tls.insecure_skip_verify", "no switch to turn verification off") {
            $0["sources"]!.elements[1]["tls"] = JSON.object(["insecure_skip_verify": JSON(true)])
        },
        // limits
        InvalidConfig("limits.max_url_bytes", "URL limit below 256") { $0["limits"] = JSON.object(["max_url_bytes": JSON(255)]) },
        InvalidConfig("limits.max_url_bytes", "URL limit above 4096") { $0["limits"] = JSON.object(["max_url_bytes": JSON(4097)]) },
        InvalidConfig("limits.max_dossiers_in_progress", "no dossier at a time") { $0["limits"] = JSON.object(["max_dossiers_in_progress": JSON(0)]) },
        InvalidConfig("limits.max_dossiers_in_progress", "admission not a number") { $0["limits"] = JSON.object(["max_dossiers_in_progress": JSON("many")]) },
        InvalidConfig("limits.malformed_burst", "zero burst") { $0["limits"] = JSON.object(["malformed_burst": JSON(0)]) },
        InvalidConfig("limits.malformed_burst", "burst too large") { $0["limits"] = JSON.object(["malformed_burst": JSON(1_000_001)]) },
        InvalidConfig("limits.malformed_per_minute", "zero refill") { $0["limits"] = JSON.object(["malformed_per_minute": JSON(0)]) },
        InvalidConfig("limits.malformed_per_minute", "negative refill") { $0["limits"] = JSON.object(["malformed_per_minute": JSON(-1)]) },
        InvalidConfig("limits.malformed_burst", "burst as string") { $0["limits"] = JSON.object(["malformed_burst": JSON("50")]) },
        InvalidConfig("limits.max_body_bytes", "unknown limits key") { $0["limits"] = JSON.object(["max_body_bytes": JSON(10)]) },
    ])
    func rejectsAccessSections(_ row: InvalidConfig) throws {
        let root = try JSON.parse(accessConfigText)
        row.mutate(root)
        let error = try #require(throws: ConfigError.self) {
            try GatewayConfig.parse(root.encoded(), environment: testEnvironment)
        }
        #expect(error.path == row.path)
        #expect(!error.problem.isEmpty)
    }

    /// A short HMAC key is refused with a message that names the minimum and how to make a key, not the key.
    @Test func shortHMACKeyMessage() throws {
        let error = try #require(throws: ConfigError.self) {
            try parse { $0["masking"] = object(["hmac_key_file": "/run/secrets/hmac-short"]) }
        }
        #expect(error.description.hasPrefix("masking.hmac_key_file: the key is 31 bytes; it must be at least 32"))
        #expect(error.problem.contains("openssl rand -hex 32"))
        #expect(!error.description.contains("0123456789"))
    }

    /// Errors about secrets name the variable or file but never echo a secret's value.
    @Test func secretErrorsDoNotEchoValues() throws {
        let error = try #require(throws: ConfigError.self) {
            try parse { root in
                root["clients"]!.elements[0]["api_key_sha256"] = nil
                root["clients"]!.elements[0]["api_key_sha256_env"] = JSON("HMAC_KEY")
            }
        }
        #expect(error.problem.contains("EXCHANGE_GATEWAY_"))
        #expect(!error.description.contains("not-prefixed"))
        let unset = try #require(throws: ConfigError.self) {
            try parse { $0["masking"] = object(["hmac_key_env": "EXCHANGE_GATEWAY_UNSET"]) }
        }
        #expect(unset.problem.contains("EXCHANGE_GATEWAY_UNSET"))
    }
}
