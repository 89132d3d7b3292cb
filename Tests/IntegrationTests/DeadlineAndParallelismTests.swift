import DepartmentStubs
import Gateway
import Glibc
import GatewayCore
import Testing
import UpstreamClient

/// The dossier's timing: sources in parallel, the overall deadline, and unreachable departments.
@Suite(.endsWhatItStarts) struct DeadlineAndParallelismTests {
    /// Departments taking 200, 300 and 400 ms give a dossier in about 400 ms, not 900.
    /// The best of three tries counts: the tests share two cores, and fetching one after
    /// another could never come in under 900 ms.
    @Test func sourcesAreFetchedConcurrently() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(200), .tax: .milliseconds(300), .house: .milliseconds(400)])
        var fastest = Duration.seconds(60)
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let response = try await environment.get("/v1/properties/LA2023001/dossier")
            fastest = min(fastest, started.duration(to: .now))
            #expect(response.status == 200)
            #expect(try response.json()["sources"]?["house"]?["latency_ms"]?.integer ?? 0 >= 400)
        }
        #expect(fastest >= .milliseconds(400))
        #expect(fastest < .milliseconds(550), "fastest of three took \(fastest)")
    }

    /// A dossier deadline shorter than a source's timeout cuts that source off at the deadline.
    @Test func deadlineBoundsTheDossier() async throws {
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, timeoutMs: 1500, deadlineMs: 400) }
        _ = try await environment.get("/v1/properties/LA2023001/dossier")
        let started = ContinuousClock.now
        let response = try await environment.get("/v1/properties/\(Fault.timeout.propertyID(for: .house))/dossier")
        let elapsed = started.duration(to: .now)
        #expect(elapsed < .milliseconds(400 + 300), "took \(elapsed)")
        let house = try #require(try response.json()["sources"]?["house"])
        #expect(house["status"]?.string == "timeout")
        #expect(house["error"]?.string?.contains("deadline") == true)
    }

    /// A fourth, config-only source whose port refuses connections is `unavailable`; the rest still answer.
    @Test func refusedConnectionIsUnavailable() async throws {
        let closedPort = try freeLoopbackPort()
        let registry = SourceConfig(name: "registry", baseURL: "http://127.0.0.1:\(closedPort)", path: "/records/{property_id}",
                                    timeoutMs: 1000, connectTimeoutMs: 300)
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, extraSources: [registry]) }
        let response = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(response.status == 200)
        let section = try #require(try response.json()["sources"]?["registry"])
        #expect(section["status"]?.string == "unavailable")
        #expect(section["error"]?.string == "connection refused")
    }

    /// A request that waited inside the gateway until its deadline passed calls no department:
    /// every source is `timeout`, saying why, and the departments see nothing.
    @Test func requestOutOfTimeCallsNoDepartment() async throws {
        let environment = try await TestEnvironment.start()
        let config = environment.gateway.config
        let role = try #require(config.roles["clerk"])
        let client = UpstreamClient()
        defer { client.shutdown() }
        let dossier = await DossierService(config: config, client: client)
            .dossier(for: try #require(PropertyID("LA2023001")), access: try SourceAccess(requested: config.sources, role: role),
                     role: role, requestID: "late", trace: TraceContext(traceparent: nil),
                     receivedAt: .now - .milliseconds(config.deadlineMs + 10))
        #expect(dossier.sources.map(\.outcome.status) == [.timeout, .timeout, .timeout])
        #expect(dossier.sources.allSatisfy { $0.outcome.error?.contains("deadline passed") == true })
        #expect(environment.allStubPaths.isEmpty)
    }
}
