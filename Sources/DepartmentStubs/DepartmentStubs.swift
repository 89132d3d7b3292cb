import HTTPServer

/// The three departments together, as `department-stubs` and the tests run them.
public final class DepartmentStubs: Sendable {
    public let stubs: [Department: DepartmentStub]

    /// Starts all three; a port of 0 picks a free one; with `tls` they serve HTTPS.
    public init(fixtures: FixtureStore, host: String = "127.0.0.1", ports: [Department: Int] = [:],
                latency: [Department: Duration] = [:], tls: HTTPServer.TLS? = nil) async throws {
        var stubs: [Department: DepartmentStub] = [:]
        do {
            for department in Department.allCases {
                stubs[department] = try DepartmentStub(department: department, fixtures: fixtures, host: host,
                                                       port: ports[department] ?? 0,
                                                       latency: latency[department] ?? .zero, tls: tls)
            }
        } catch {
            for stub in stubs.values { await stub.shutdown() }
            throw error
        }
        self.stubs = stubs
    }

    public subscript(department: Department) -> DepartmentStub {
        stubs[department]!
    }

    public func shutdown() async {
        for stub in stubs.values { await stub.shutdown() }
    }
}
