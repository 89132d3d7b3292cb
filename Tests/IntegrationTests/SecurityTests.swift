import DepartmentStubs
import GatewayCore
import Testing

/// SPEC §2–4: who may ask, for what reason, what they may see, and what malformed input gets.
@Suite(.endsWhatItStarts) struct SecurityTests {
    /// No key, or a key that is no client's: 401 with a Bearer challenge, and no department is called.
    @Test(arguments: [
        ([:], #"Bearer realm="exchange-gateway""#),
        (["Authorization": "Bearer not-a-real-key", "X-Purpose": "x"], #"Bearer realm="exchange-gateway", error="invalid_token""#),
        (["Authorization": "Basic dGVzdDp0ZXN0", "X-Purpose": "x"], #"Bearer realm="exchange-gateway""#),
    ] as [([String: String], String)])
    func unauthenticatedIsRefused(_ headers: [String: String], challenge: String) async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/AUTH401PROBE/dossier", headers: headers)
        #expect(response.status == 401)
        #expect(response.headers["www-authenticate"] == challenge)
        #expect(response.headers["content-type"] == "application/problem+json; charset=utf-8")
        #expect(!response.bodyText.contains("not-a-real-key"), "the presented key is never echoed")
        #expect(!environment.allStubPaths.contains { $0.contains("AUTH401PROBE") })
    }

    /// A purpose is required and must be 1–200 printable characters.
    @Test(arguments: [nil, "", String(repeating: "案", count: 201), "case\t42", "case\u{7F}42"] as [String?])
    func purposeIsRequired(_ purpose: String?) async throws {
        let environment = try await TestEnvironment.shared()
        var headers = TestEnvironment.credentials()
        headers["X-Purpose"] = purpose
        let response = try await environment.get("/v1/properties/PURPOSE400PROBE/dossier", headers: headers)
        #expect(response.status == 400)
        let expected = (purpose ?? "").isEmpty ? "missing-purpose" : "invalid-purpose"
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:" + expected)
        #expect(!environment.allStubPaths.contains { $0.contains("PURPOSE400PROBE") })
    }

    /// A Chinese purpose of 200 characters is fine.
    @Test func chinesePurposeIsAccepted() async throws {
        let environment = try await TestEnvironment.shared()
        var headers = TestEnvironment.credentials()
        headers["X-Purpose"] = String(repeating: "登", count: 200)
        #expect(try await environment.get("/v1/properties/LA2023003/dossier", headers: headers).status == 200)
    }

    /// A role that may see none of the requested sources gets 403; the forbidden departments see nothing.
    @Test func forbiddenSourcesAre403() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/RBAC403PROBE/dossier?sources=tax,house",
                                                 headers: TestEnvironment.credentials(TestEnvironment.Key.landOnly))
        #expect(response.status == 403)
        #expect(!environment.allStubPaths.contains { $0.contains("RBAC403PROBE") })
    }

    /// Sources a role may not see are `not_permitted` and never called; the rest are served.
    @Test func notPermittedSourcesAreNeverCalled() async throws {
        let environment = try await TestEnvironment.start()
        let response = try await environment.get("/v1/properties/LA2023004/dossier",
                                                 headers: TestEnvironment.credentials(TestEnvironment.Key.landOnly))
        #expect(response.status == 200)
        #expect(response.headers["x-dossier-complete"] == "false")
        let sources = try #require(try response.json()["sources"])
        #expect(sources["land"]?["status"]?.string == "ok")
        for name in ["tax", "house"] {
            #expect(sources[name]?["status"]?.string == "not_permitted")
            #expect(sources[name]?["error"]?.string?.isEmpty == false)
            #expect(sources[name]?["data"] == nil)
        }
        #expect(environment.stubs[.land].receivedPaths == ["/land/LA2023004"])
        #expect(environment.stubs[.tax].receivedPaths.isEmpty)
        #expect(environment.stubs[.house].receivedPaths.isEmpty)
    }

    /// The clerk's dossier of LA2023001 holds none of 张三's name, ID number or phone, anywhere.
    @Test func clerkSeesNoPersonalData() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(response.status == 200)
        for secret in ["340102199001011234", "13812345678", "张三"] {
            #expect(!response.bodyText.contains(secret), "\(secret) leaked")
        }
        let holder = try #require(try response.json()["sources"]?["land"]?["data"]?["right_holder"])
        #expect(holder["id_card"]?.string == "340102********1234")
        #expect(holder["phone"]?.string == "138****5678")
    }

    /// The auditor role sees the data unmasked.
    @Test func auditorSeesUnmaskedData() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023001/dossier",
                                                 headers: TestEnvironment.credentials(TestEnvironment.Key.auditor))
        #expect(response.status == 200)
        #expect(response.bodyText.contains("340102199001011234"))
        #expect(response.bodyText.contains("张三"))
    }

    /// Every answer, errors included, forbids caching and sniffing.
    @Test func securityHeadersOnEveryAnswer() async throws {
        let environment = try await TestEnvironment.shared()
        for response in [try await environment.get("/v1/properties/LA2023001/dossier"),
                         try await environment.get("/v1/properties/LA2023001/dossier", headers: [:]),
                         try await environment.get("/nowhere")] {
            #expect(response.headers["cache-control"] == "no-store")
            #expect(response.headers["x-content-type-options"] == "nosniff")
        }
    }

    /// Oversized targets, headers and bodies are refused with 414, 431 and 413.
    @Test func oversizedInputIsRefused() async throws {
        let environment = try await TestEnvironment.shared()
        let longQuery = try await environment.get("/v1/properties/LA2023001/dossier?sources=" + String(repeating: "a", count: 3000))
        #expect(longQuery.status == 414)
        var bigHeaders = TestEnvironment.credentials()
        bigHeaders["X-Filler"] = String(repeating: "f", count: 40_000)
        let hugeHeader = try await environment.get("/v1/properties/LA2023001/dossier", headers: bigHeaders)
        #expect(hugeHeader.status == 431)
        let connection = try RawHTTPConnection(port: environment.gateway.port)
        let bigBody = try await connection.send("GET", "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials(),
                                                body: [UInt8](repeating: 0x7B, count: 70_000))
        #expect(bigBody.status == 413)
        #expect(try bigBody.json()["type"]?.string == "urn:exchange-gateway:problem:payload-too-large")
    }

    /// A dossier request refused before it is read (target or body too large, wrong method) is
    /// audited like any other; a refused request elsewhere (an unknown route) is not.
    @Test func earlyRefusalsOfDossierRequestsAreAudited() async throws {
        let environment = try await TestEnvironment.start()
        let headers = TestEnvironment.credentials()
        let refused: [(id: String, status: Int, send: (RawHTTPConnection) async throws -> RawResponse)] = [
            ("too-long", 414, { try await $0.send("GET", "/v1/properties/LA2023001/dossier?sources=" + String(repeating: "a", count: 3000),
                                                  headers: headers.merging(["X-Request-Id": "too-long"]) { $1 }) }),
            ("too-big", 413, { try await $0.send("POST", "/v1/dossiers:batch", headers: headers.merging(
                ["X-Request-Id": "too-big", "Content-Type": "application/json"]) { $1 }, body: [UInt8](repeating: 0x20, count: 70_000)) }),
            ("wrong-method", 405, { try await $0.send("DELETE", "/v1/properties/LA2023001/dossier",
                                                      headers: headers.merging(["X-Request-Id": "wrong-method"]) { $1 }) }),
            ("no-route", 404, { try await $0.send("GET", "/v1/nothing-here", headers: headers.merging(["X-Request-Id": "no-route"]) { $1 }) }),
        ]
        for (id, status, send) in refused {
            let response = try await send(RawHTTPConnection(port: environment.gateway.port))
            #expect(response.status == status, "\(id)")
        }
        let audit = environment.gateway.config.audit
        await environment.stop()
        let statuses = Dictionary(try AuditIntegrationTests.records(audit).compactMap { record in
            record["request_id"]?.string.map { ($0, record["http_status"]?.integer) }
        }) { first, _ in first }
        #expect(statuses["too-long"] == 414)
        #expect(statuses["too-big"] == 413)
        #expect(statuses["wrong-method"] == 405)
        #expect(statuses["no-route"] == nil)
    }

    /// The largest request a client may legitimately send (a target just under the 2 KiB limit,
    /// a 200-character Chinese purpose, a 128-character request id, a traceparent) fits in the
    /// server's 8 KiB per connection: it is answered, not refused with 431.
    @Test func largestLegitimateRequestFits() async throws {
        let environment = try await TestEnvironment.shared()
        var headers = TestEnvironment.credentials()
        headers["X-Purpose"] = String(repeating: "登", count: 200)
        headers["X-Request-Id"] = String(repeating: "r", count: 128)
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let path = "/v1/properties/LA2023001/dossier?sources=land,tax,house&note=" + String(repeating: "n", count: 1900)
        let response = try await environment.get(path, headers: headers)
        #expect(response.status == 200)
    }

    /// An address that keeps sending malformed requests without a valid key gets 429 with
    /// Retry-After, even for good ones, and these refusals of dossier requests are audited; a
    /// request with a valid key from that address is still served (its client's rate limit
    /// applies instead), and so are the probes and the public documents (the console, the API
    /// description). A valid key's own malformed requests cost the address nothing.
    @Test func malformedFloodIsThrottled() async throws {
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, limits: LimitsConfig(malformedBurst: 5, malformedPerMinute: 1)) }
        for _ in 0..<10 {
            #expect(try await environment.get("/v1/properties/BAD.ID/dossier").status == 400)
        }
        #expect(try await environment.get("/v1/properties/LA2023002/dossier", headers: ["X-Purpose": "no key"]).status == 401)
        for _ in 0..<4 {
            #expect(try await environment.get("/v1/properties/BAD.ID/dossier", headers: [:]).status == 401)
        }
        let throttled = try await environment.get("/v1/properties/LA2023001/dossier", headers: ["X-Request-Id": "throttled"])
        #expect(throttled.status == 429)
        #expect(Int(throttled.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(try throttled.json()["type"]?.string == "urn:exchange-gateway:problem:too-many-malformed-requests")
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200)
        for probe in ["/healthz", "/readyz", "/metrics"] {
            #expect(try await environment.get(probe, headers: [:]).status == 200, "\(probe)")
        }
        #expect(try await environment.get("/openapi.yaml", headers: [:]).status == 200)
        let audit = environment.gateway.config.audit
        await environment.stop()
        let record = try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "throttled" }
        #expect(record?["http_status"]?.integer == 429)
        #expect(record?["remote"]?.string == "127.0.0.1")
    }
}
