import DepartmentStubs
import Testing

/// HTTP/1.1 behaviour that clients and load balancers rely on.
@Suite struct ConnectionTests {
    /// Several requests on one connection: the server keeps it open between them.
    @Test func keepAliveIsHonoured() async throws {
        let environment = try await TestEnvironment.shared()
        let connection = try RawHTTPConnection(port: environment.gateway.port)
        for path in ["/healthz", "/v1/properties/LA2023002/dossier", "/v1/properties/LA2023003/dossier", "/nowhere"] {
            let response = try await connection.send("GET", path, headers: TestEnvironment.credentials())
            #expect(response.status != 0)
            #expect(response.headers["connection"]?.lowercased() != "close")
        }
        #expect(await connection.isClosedByServer() == false)
    }
}
