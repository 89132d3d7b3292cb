import DepartmentStubs
import Foundation
import GatewayCore
import Testing

/// Behind a front proxy every request comes from one address; with `server.trusted_proxies` the
/// gateway tells its clients apart by `X-Forwarded-For` (README "Security"). Here the test itself
/// is the proxy on 127.0.0.1, forwarding clients from the documentation ranges.
@Suite(.endsWhatItStarts) struct ProxyFairnessTests {
    static let flooder = "203.0.113.7"
    static let clerk = "198.51.100.9"

    /// A gateway that trusts 127.0.0.0/8 as its proxy, with a small malformed-request budget.
    static func start(perAddressLimit: Int = 1000, latency: [Department: Duration] = [:]) async throws -> TestEnvironment {
        try await TestEnvironment.start(latency: latency) { stubs in
            var config = TestEnvironment.config(for: stubs, limits: LimitsConfig(malformedBurst: 5, malformedPerMinute: 1))
            config.server.trustedProxies = TrustedProxies([IPv4Network("127.0.0.0/8")!])
            config.server.perIPConnectionLimit = perAddressLimit
            return config
        }
    }

    /// Headers of a request the proxy forwards for `client` (as nginx appends it), plus `extra`.
    static func forwarded(for client: String, _ extra: [String: String] = [:]) -> [String: String] {
        extra.merging(["X-Forwarded-For": client]) { $1 }
    }

    /// One client behind the proxy floods it with bad requests: only that client is throttled (and
    /// only without a valid key), its probes still pass, every other client is served, and the
    /// audit log names the clients, not the proxy.
    @Test func aFloodBehindTheProxyThrottlesOnlyItsClient() async throws {
        let environment = try await Self.start()
        for _ in 0..<5 {
            let bad = try await environment.get("/v1/properties/BAD.ID/dossier", headers: Self.forwarded(for: Self.flooder))
            #expect(bad.status == 401)
        }
        let throttled = try await environment.get("/v1/properties/LA2023001/dossier",
                                                  headers: Self.forwarded(for: Self.flooder, ["X-Request-Id": "flooder"]))
        #expect(throttled.status == 429)
        #expect(try throttled.json()["type"]?.string == "urn:exchange-gateway:problem:too-many-malformed-requests")
        // A forged entry left of the proxy's changes nothing: the proxy appended the real address.
        let forged = try await environment.get("/v1/properties/LA2023001/dossier",
                                               headers: Self.forwarded(for: "\(Self.clerk), \(Self.flooder)"))
        #expect(forged.status == 429)
        #expect(try await environment.get("/healthz", headers: Self.forwarded(for: Self.flooder)).status == 200)
        let withKey = try await environment.get("/v1/properties/LA2023001/dossier",
                                                headers: Self.forwarded(for: Self.flooder, TestEnvironment.credentials()))
        #expect(withKey.status == 200, "a valid key is never refused by the address guard")
        let clerk = try await environment.get("/v1/properties/LA2023001/dossier",
                                              headers: Self.forwarded(for: Self.clerk, TestEnvironment.credentials().merging(["X-Request-Id": "clerk"]) { $1 }))
        #expect(clerk.status == 200)
        #expect(try await environment.get("/openapi.yaml", headers: Self.forwarded(for: Self.clerk)).status == 200)
        #expect(try await environment.get("/openapi.yaml", headers: [:]).status == 200, "the proxy's own requests are not throttled")

        let audit = environment.gateway.config.audit
        await environment.stop()
        let records = try AuditIntegrationTests.records(audit)
        #expect(records.first { $0["request_id"]?.string == "flooder" }?["remote"]?.string == Self.flooder)
        #expect(records.first { $0["request_id"]?.string == "flooder" }?["http_status"]?.integer == 429)
        #expect(records.first { $0["request_id"]?.string == "clerk" }?["remote"]?.string == Self.clerk)
    }

    /// An IPv6 client behind the proxy is counted by its /64: taking a new address of it for each
    /// bad request does not escape the guard, and a neighbouring /64 is not held to its flood.
    @Test func anIPv6FloodIsCountedByItsSlash64() async throws {
        let environment = try await Self.start()
        for host in 1...5 {
            let bad = try await environment.get("/v1/properties/BAD.ID/dossier", headers: Self.forwarded(for: "2001:db8:1:2::\(host)"))
            #expect(bad.status == 401)
        }
        let rotated = try await environment.get("/v1/properties/LA2023001/dossier", headers: Self.forwarded(for: "2001:db8:1:2:ffff::6"))
        #expect(rotated.status == 429)
        let neighbour = try await environment.get("/v1/properties/BAD.ID/dossier", headers: Self.forwarded(for: "2001:db8:1:3::1"))
        #expect(neighbour.status == 401)
    }

    /// The console is how clerks behind a shared address use the gateway, and a browser loads its
    /// page, script, style and settings without a key: a flood from that address must not lock them
    /// out of it (nor out of `/` and the API description), while the flooder's keyless dossier
    /// requests stay throttled.
    @Test func theConsoleLoadsForAnAddressThatFloods() async throws {
        let environment = try await Self.start()
        for _ in 0..<5 {
            #expect(try await environment.get("/v1/properties/BAD.ID/dossier", headers: Self.forwarded(for: Self.flooder)).status == 401)
        }
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: Self.forwarded(for: Self.flooder)).status == 429)
        for path in ["/console", "/console/app.js", "/console/app.css", "/console/settings.json", "/openapi.yaml"] {
            #expect(try await environment.get(path, headers: Self.forwarded(for: Self.flooder)).status == 200, "\(path)")
        }
        #expect(try await environment.get("/", headers: Self.forwarded(for: Self.flooder)).status == 302)
    }

    /// Without `trusted_proxies` a forwarding header is the client's word and is ignored: the
    /// audit names the peer.
    @Test func anUntrustedPeerIsItsOwnClient() async throws {
        let environment = try await TestEnvironment.start()
        let response = try await environment.get("/v1/properties/LA2023001/dossier",
                                                 headers: TestEnvironment.credentials().merging(["X-Forwarded-For": Self.clerk, "X-Request-Id": "direct"]) { $1 })
        #expect(response.status == 200)
        let audit = environment.gateway.config.audit
        await environment.stop()
        #expect(try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "direct" }?["remote"]?.string == "127.0.0.1")
    }

    /// A trusted proxy's request with both forwarding headers says nothing certain about its client:
    /// 400, audited on the dossier route, and not held against the proxy's address.
    @Test func bothForwardingHeadersAreRefused() async throws {
        let environment = try await Self.start()
        for _ in 0..<6 {
            let response = try await environment.get("/v1/properties/LA2023001/dossier",
                                                     headers: Self.forwarded(for: Self.clerk, ["Forwarded": "for=\(Self.clerk)"]))
            #expect(response.status == 400)
            #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:invalid-forwarded-for")
        }
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: Self.forwarded(for: Self.clerk, TestEnvironment.credentials())).status == 200)
        #expect(try await environment.get("/openapi.yaml", headers: [:]).status == 200)
    }

    /// `server.per_ip_connection_limit` behind the proxy: the proxy's own connections are not
    /// limited, each forwarded client may have that many requests in progress, and one client at its
    /// limit does not hold up another.
    @Test func perAddressLimitCountsForwardedClients() async throws {
        let environment = try await Self.start(perAddressLimit: 2, latency: [.land: .milliseconds(1200)])
        let port = environment.gateway.port
        // Three connections from the proxy's address, over a limit of 2: all kept.
        let connections = try (0..<3).map { _ in try RawHTTPConnection(port: port) }
        for connection in connections {
            #expect(try await connection.send("GET", "/healthz").status == 200)
        }
        let slow = (0..<2).map { index in
            Task {
                try await connections[index].send("GET", "/v1/properties/LA2023001/dossier",
                                                  headers: Self.forwarded(for: Self.flooder, TestEnvironment.credentials())).status
            }
        }
        try await Self.waitForRequestsInFlight(2, port: port)
        let third = try await connections[2].send("GET", "/v1/properties/LA2023002/dossier",
                                                  headers: Self.forwarded(for: Self.flooder, TestEnvironment.credentials()))
        #expect(third.status == 429)
        #expect(try third.json()["type"]?.string == "urn:exchange-gateway:problem:too-many-connections")
        let other = try await RawHTTPConnection(port: port).send("GET", "/v1/properties/LA2023002/dossier",
                                                                  headers: Self.forwarded(for: Self.clerk, TestEnvironment.credentials()))
        #expect(other.status == 200)
        for request in slow {
            #expect(try await request.value == 200)
        }
        #expect(try await connections[2].send("GET", "/v1/properties/LA2023002/dossier",
                                              headers: Self.forwarded(for: Self.flooder, TestEnvironment.credentials())).status == 200)
    }

    /// `server.trusted_proxies` and `server.header_timeout_s` belong to the listener: a reload that
    /// changes them is refused and the running config kept; a batch size limit reloads.
    @Test func listenerSettingsNeedARestart() async throws {
        let environment = try await Self.start()
        let running = environment.gateway.config
        var proxies = running
        proxies.server.trustedProxies = TrustedProxies([IPv4Network("192.0.2.0/24")!])
        var deadline = running
        deadline.server.headerTimeoutSeconds = 20
        for changed in [proxies, deadline] {
            #expect(throws: ConfigError.self) { try environment.gateway.reload(changed) }
        }
        var batches = running
        batches.limits.maxBatchResponseBytes = 1 << 20
        try environment.gateway.reload(batches)
    }

    /// Waits (bounded, 5 s) until the gateway reports `count` dossier requests in progress.
    static func waitForRequestsInFlight(_ count: Int, port: Int) async throws {
        let line = "exchange_gateway_requests_in_flight \(count)"
        for _ in 0..<500 {
            let metrics = try await httpGet(port, "/metrics")
            if metrics.bodyText.split(separator: "\n").contains(where: { $0 == line }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never saw \(line)")
    }
}
