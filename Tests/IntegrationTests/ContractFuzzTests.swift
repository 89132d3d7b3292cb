import DepartmentStubs
import GatewayCore
import Testing

/// Schemathesis against a real gateway and real stub departments on loopback: it reads the
/// contract the gateway serves at `/openapi.yaml`, generates valid and invalid requests for
/// every operation, and checks every answer against the contract (status documented, headers
/// and body conform to their schemas, no undocumented 5xx, invalid input refused with a 4xx,
/// no key means 401, other methods 405 with `Allow`). Bounded in examples and in time.
@Suite struct ContractFuzzTests {
    /// Examples per operation and per phase; about 20 s on a 2-core machine.
    static let examplesPerOperation = 200

    @Test(.timeLimit(.minutes(5))) func everyAnswerConformsToTheContract() async throws {
        let schemathesis = try ExternalTool.venv("schemathesis")
        // Fuzzing is nothing but malformed requests from one address: lift that budget, or most
        // answers would be 429 and nothing else would be checked.
        let environment = try await TestEnvironment.start { stubs in
            TestEnvironment.config(for: stubs, limits: LimitsConfig(malformedBurst: 1_000_000, malformedPerMinute: 1_000_000))
        }
        defer { Task { await environment.stop() } }
        let base = "http://127.0.0.1:\(environment.gateway.port)"
        let run = try await schemathesis.run([
            "run", base + "/openapi.yaml", "--url", base,
            "--header", "Authorization: Bearer \(TestEnvironment.Key.clerk)",
            // Schemathesis leaves out the operation that serves the schema unless told otherwise.
            "--include-path-regex", "^/",
            "--checks", "all",
            "--max-examples", String(Self.examplesPerOperation),
            "--workers", "2",
            "--generation-database", "none",
            "--no-color",
        ], in: TestEnvironment.temporaryDirectory(), timeLimit: .seconds(240))
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("5 selected / 5 total"), "every operation is fuzzed: \(run.output)")
        #expect(try await environment.get("/healthz", headers: [:]).status == 200, "the gateway survived")
    }
}
