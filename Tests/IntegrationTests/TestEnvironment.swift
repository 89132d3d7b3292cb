import DepartmentStubs
import Gateway
import GatewayCore

/// Stub departments and a gateway in front of them, on free loopback ports.
struct TestEnvironment: Sendable {
    let stubs: DepartmentStubs
    let gateway: GatewayServer

    static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func fixtures() throws -> FixtureStore {
        try FixtureStore(directory: repositoryRoot + "/stubs/fixtures")
    }

    /// The SPEC's three sources, each with `timeoutMs`, pointing at `stubs`.
    static func config(for stubs: DepartmentStubs, timeoutMs: Int = 1500, deadlineMs: Int = 3000,
                       extraSources: [SourceConfig] = []) -> GatewayConfig {
        let sources = Department.allCases.map { department in
            SourceConfig(name: department.rawValue, baseURL: "http://127.0.0.1:\(stubs[department].port)",
                         path: department.pathPrefix + "{property_id}", timeoutMs: timeoutMs, connectTimeoutMs: 300)
        }
        return GatewayConfig(listen: ListenConfig(host: "127.0.0.1", port: 0), deadlineMs: deadlineMs,
                             sources: sources + extraSources)
    }

    static func start(latency: [Department: Duration] = [:],
                      configure: (DepartmentStubs) -> GatewayConfig = { config(for: $0) }) async throws -> TestEnvironment {
        let stubs = try await DepartmentStubs(fixtures: fixtures(), latency: latency)
        let gateway = try GatewayServer(config: configure(stubs))
        return TestEnvironment(stubs: stubs, gateway: gateway)
    }

    /// The environment most tests share: no stub latency, the SPEC's default timeouts.
    static func shared() async throws -> TestEnvironment {
        try await sharedStart.value
    }

    private static let sharedStart = Task { try await start() }

    func stop() async {
        await gateway.shutdown(gracePeriod: .zero)
        await stubs.shutdown()
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> RawResponse {
        try await httpGet(gateway.port, path, headers: headers)
    }

    /// Every department request the stubs have received so far.
    var allStubPaths: [String] {
        Department.allCases.flatMap { stubs[$0].receivedPaths }
    }
}
