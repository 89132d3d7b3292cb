import DepartmentStubs
import GatewayCore
import GatewayJSON
import Testing

/// SPEC §2: the dossier route, its statuses and headers, and the gateway's own errors.
@Suite(.endsWhatItStarts) struct DossierRouteTests {
    /// A known property: 200, complete, every section ok, the SPEC's headers and body keys.
    @Test func completeDossier() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023001/dossier",
                                                 headers: TestEnvironment.credentials().merging(["X-Request-Id": "case-42"]) { $1 })
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        #expect(response.headers["x-dossier-complete"] == "true")
        #expect(response.headers["x-request-id"] == "case-42")
        #expect(response.headers["cache-control"] == "no-store")
        let dossier = try response.json()
        #expect(dossier.members.map(\.key) == ["property_id", "request_id", "generated_at", "complete", "findings", "skipped_checks", "sources"])
        #expect(dossier["request_id"]?.string == "case-42")
        #expect(dossier["sources"]?.members.map(\.key) == ["land", "tax", "house"])
        #expect(dossier["sources"]?["land"]?["data"]?["right_holder"]?["name"]?.string == "张*")
        #expect(response.bodyText.contains("梧桐苑"), "Chinese text is sent unescaped")
    }

    /// A request id holding a phone number is neither echoed nor sent on: the gateway makes its own.
    @Test func requestIDWithPersonalDataIsReplaced() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023001/dossier",
                                                 headers: TestEnvironment.credentials().merging(["X-Request-Id": "desk-13812345678"]) { $1 })
        #expect(response.status == 200)
        let echoed = try #require(response.headers["x-request-id"])
        #expect(echoed != "desk-13812345678")
        #expect(echoed.utf8.count == 26, "a ULID: \(echoed)")
        #expect(try response.json()["request_id"]?.string == echoed)
    }

    /// A property no department knows: every source not_found, so the dossier is 404.
    @Test func unknownPropertyIsNotFound() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/NOSUCH0001/dossier")
        #expect(response.status == 404)
        let sources = try #require(try response.json()["sources"])
        #expect(sources.members.map(\.key) == ["land", "tax", "house"])
        for (_, section) in sources.members {
            #expect(section["status"]?.string == "not_found")
        }
    }

    /// One department lacking a record still gives a 200, incomplete dossier.
    @Test func partialRecordIsIncomplete() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023005/dossier")
        #expect(response.status == 200)
        #expect(response.headers["x-dossier-complete"] == "false")
        #expect(try response.json()["sources"]?["tax"]?["status"]?.string == "not_found")
    }

    /// With a subset whose only source fails, the overall status follows SPEC's rule.
    @Test(arguments: [
        (Fault.timeout, 504), (Fault.serverError, 502), (Fault.notFound, 404), (Fault.reset, 502), (Fault.badJSON, 502),
    ])
    func allRequestedSourcesFailing(_ fault: Fault, expectedStatus: Int) async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/\(fault.propertyID(for: .tax))/dossier?sources=tax")
        #expect(response.status == expectedStatus)
        let dossier = try response.json()
        #expect(dossier["sources"]?.members.map(\.key) == ["tax"])
    }

    /// `sources=` selects a subset in config order; an unknown name is a 400 problem.
    @Test func sourceSubset() async throws {
        let environment = try await TestEnvironment.shared()
        let subset = try await environment.get("/v1/properties/LA2023001/dossier?sources=house,land")
        #expect(try subset.json()["sources"]?.members.map(\.key) == ["land", "house"])
        let unknown = try await environment.get("/v1/properties/LA2023001/dossier?sources=land,police")
        #expect(unknown.status == 400)
        #expect(unknown.headers["content-type"] == "application/problem+json; charset=utf-8")
    }

    /// Bad ids are a 400 problem and never reach a department.
    @Test(arguments: ["BAD%20ID7731", "BAD.ID7731", "BAD%2F..%2FID7731", String(repeating: "B", count: 65), "%E5%BC%A0ID7731", "BAD_ID7731"])
    func badIDNeverReachesUpstream(_ rawID: String) async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/\(rawID)/dossier")
        #expect(response.status == 400)
        let problem = try response.json()
        #expect(problem["status"]?.integer == 400)
        #expect(problem["type"]?.string == "urn:exchange-gateway:problem:invalid-property-id")
        #expect(problem["request_id"]?.string?.isEmpty == false)
        #expect(!environment.allStubPaths.contains { $0.contains("ID7731") || $0.contains("BBBBBBBB") })
    }

    /// Unknown routes are 404, wrong methods 405 with `Allow`, both as problem+json.
    @Test func routingProblems() async throws {
        let environment = try await TestEnvironment.shared()
        let missing = try await environment.get("/v2/everything")
        #expect(missing.status == 404)
        #expect(try missing.json()["type"]?.string == "urn:exchange-gateway:problem:not-found")
        let connection = try RawHTTPConnection(port: environment.gateway.port)
        let wrongMethod = try await connection.send("DELETE", "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials())
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        #expect(wrongMethod.headers["content-type"] == "application/problem+json; charset=utf-8")
    }

    /// `/healthz` answers while the process is alive.
    @Test func health() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/healthz")
        #expect(response.status == 200)
        #expect(try response.json()["status"]?.string == "ok")
    }
}
