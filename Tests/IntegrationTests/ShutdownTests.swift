import DepartmentStubs
import Testing

/// Stopping the gateway: what is in flight finishes, what arrives meanwhile is told to go elsewhere.
@Suite struct ShutdownTests {
    /// A dossier in flight when shutdown begins is still answered 200; a new one gets 503 problem+json.
    @Test func inFlightDossiersFinish() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(400), .tax: .milliseconds(400), .house: .milliseconds(400)])
        let port = environment.gateway.port
        let inFlight = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()) }
        try await Task.sleep(for: .milliseconds(150))
        let late = try RawHTTPConnection(port: port)
        let shutdown = Task { await environment.gateway.shutdown(gracePeriod: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        let refused = try await late.send("GET", "/v1/properties/LA2023002/dossier", headers: TestEnvironment.credentials())
        #expect(refused.status == 503)
        #expect(refused.headers["content-type"] == "application/problem+json; charset=utf-8")
        #expect(refused.headers["retry-after"] == "1")
        #expect(try await inFlight.value.status == 200)
        await shutdown.value
        await environment.stubs.shutdown()
    }
}
