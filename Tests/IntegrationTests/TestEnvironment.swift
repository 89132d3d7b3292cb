import DepartmentStubs
import Foundation
import Gateway
import GatewayCore
import HTTPServer
import Synchronization

/// Stub departments and a gateway in front of them, on free loopback ports.
struct TestEnvironment: Sendable {
    let stubs: DepartmentStubs
    let gateway: GatewayServer
    private let stopped: StopOnce

    /// True for the first caller only: a test may stop its environment itself, before its scope does.
    private final class StopOnce: Sendable {
        private let claimed = Atomic(false)

        func claim() -> Bool {
            !claimed.exchange(true, ordering: .relaxed)
        }
    }

    static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func fixtures() throws -> FixtureStore {
        try FixtureStore(directory: repositoryRoot + "/stubs/fixtures")
    }

    /// API keys of the test clients.
    enum Key {
        static let clerk = "test-clerk-key"
        static let auditor = "test-auditor-key"
        static let landOnly = "test-land-only-key"
    }

    /// The SPEC's three sources, each with `timeoutMs`, pointing at `stubs`, and three clients: a clerk, an
    /// auditor and a land-only system, with the views of the bundled config's clerk, auditor and land_records.
    static func config(for stubs: DepartmentStubs, timeoutMs: Int = 1500, deadlineMs: Int = 3000,
                       extraSources: [SourceConfig] = [], limits: LimitsConfig = LimitsConfig(malformedBurst: 10_000),
                       audit: AuditConfig = AuditConfig(path: temporaryDirectory() + "/audit.jsonl")) -> GatewayConfig {
        // Breakers that never trip: most tests fail sources on purpose, one after another, and
        // test what a single failure does; the breaker tests set their own.
        let neverTrips = CircuitBreakerConfig(consecutiveFailures: 1_000_000, minimumCalls: 1_000_000)
        let sources = (Department.allCases.map { department in
            SourceConfig(name: department.rawValue, baseURL: "http://127.0.0.1:\(stubs[department].port)",
                         path: department.pathPrefix + "{property_id}", timeoutMs: timeoutMs, connectTimeoutMs: 300)
        } + extraSources).map { source in
            var source = source
            source.circuitBreaker = neverTrips
            return source
        }
        let everything = sources.map(\.name)
        let bundled = bundledConfig.roles
        let roles = [
            RoleConfig(name: "clerk", sources: everything, views: bundled["clerk"]!.views),
            RoleConfig(name: "auditor", sources: everything, views: bundled["auditor"]!.views),
            RoleConfig(name: "land_only", sources: ["land"], views: bundled["land_records"]!.views),
        ]
        return GatewayConfig(listen: ListenConfig(host: "127.0.0.1", port: 0), deadlineMs: deadlineMs, limits: limits,
                             sources: sources,
                             clients: [ClientConfig(id: "desk-1", role: "clerk", apiKey: Key.clerk),
                                       ClientConfig(id: "audit-1", role: "auditor", apiKey: Key.auditor),
                                       ClientConfig(id: "land-1", role: "land_only", apiKey: Key.landOnly)],
                             roles: Dictionary(uniqueKeysWithValues: roles.map { ($0.name, $0) }), audit: audit)
    }

    /// The bundled config/gateway.json.
    static let bundledConfig: GatewayConfig = {
        // The bundled config is checked by its own tests; a failure here names the problem.
        try! GatewayConfig.load(path: repositoryRoot + "/config/gateway.json")
    }()

    /// The consistency checks of the bundled config/gateway.json.
    static var bundledChecks: ConsistencyChecks { bundledConfig.checks }

    /// A new, empty folder for one test's files, removed when the test is over.
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exchange-gateway-test-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        TestScope.current?.adopt(folder: path)
        return path
    }

    /// An audit log the gateway cannot open although its folder is writable (root ignores
    /// permissions, so a folder stands where its first file should be): the gateway starts with the
    /// log unavailable. Removing `blocker` lets it recover.
    static func unopenableAudit() throws -> (config: AuditConfig, blocker: String) {
        let config = AuditConfig(path: temporaryDirectory() + "/audit.jsonl")
        let blocker = config.directory + "/" + config.fileName(firstSeq: 1)
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        return (config, blocker)
    }

    /// Headers of an authorized dossier request by the client with `key`.
    static func credentials(_ key: String = Key.clerk) -> [String: String] {
        ["Authorization": "Bearer \(key)", "X-Purpose": "登记案件 2026-0042"]
    }

    /// Stubs (on HTTPS with `stubTLS`, serving `fixtures` or the bundled ones) and a gateway for one test,
    /// stopped when the test is over.
    static func start(latency: [Department: Duration] = [:], stubTLS: HTTPServer.TLS? = nil, fixtures: FixtureStore? = nil,
                      configure: (DepartmentStubs) -> GatewayConfig = { config(for: $0) }) async throws -> TestEnvironment {
        let environment = try await launch(latency: latency, stubTLS: stubTLS, fixtures: fixtures, configure: configure)
        TestScope.current?.adopt(environment)
        return environment
    }

    /// The environment most tests share: no stub latency, the SPEC's default timeouts.
    static func shared() async throws -> TestEnvironment {
        try await sharedStart.value
    }

    private static let sharedStart = startShared()

    /// An environment that tests of a suite share: it is started outside any test's scope (a
    /// detached task inherits none), so it lives until the test process ends.
    static func startShared(configure: @escaping @Sendable (DepartmentStubs) -> GatewayConfig = { config(for: $0) })
        -> Task<TestEnvironment, any Error> {
        Task.detached { try await launch(configure: configure) }
    }

    private static func launch(latency: [Department: Duration] = [:], stubTLS: HTTPServer.TLS? = nil, fixtures: FixtureStore? = nil,
                               configure: (DepartmentStubs) -> GatewayConfig = { config(for: $0) }) async throws -> TestEnvironment {
        let stubs = try await DepartmentStubs(fixtures: fixtures ?? self.fixtures(), latency: latency, tls: stubTLS)
        let gateway = try await GatewayServer(config: configure(stubs))
        return TestEnvironment(stubs: stubs, gateway: gateway, stopped: StopOnce())
    }

    /// Stops the gateway and the stubs; the second and later calls do nothing.
    func stop() async {
        guard stopped.claim() else { return }
        await gateway.shutdown(gracePeriod: .zero)
        await stubs.shutdown()
    }

    /// GET `path` as the clerk unless `headers` say otherwise.
    func get(_ path: String, headers: [String: String] = credentials()) async throws -> RawResponse {
        try await httpGet(gateway.port, path, headers: headers)
    }

    /// POST `body` to `path` as JSON, as the clerk unless `headers` say otherwise.
    func post(_ path: String, body: String, headers: [String: String] = credentials().merging(["Content-Type": "application/json"]) { $1 })
        async throws -> RawResponse {
        try await RawHTTPConnection(port: gateway.port).send("POST", path, headers: headers, body: Array(body.utf8))
    }

    /// Every department request the stubs have received so far.
    var allStubPaths: [String] {
        Department.allCases.flatMap { stubs[$0].receivedPaths }
    }
}
