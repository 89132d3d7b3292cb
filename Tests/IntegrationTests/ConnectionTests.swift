import DepartmentStubs
import Testing

/// HTTP/1.1 behaviour that clients and load balancers rely on.
@Suite(.endsWhatItStarts) struct ConnectionTests {
    /// Several requests on one connection: the server keeps it open between them.
    @Test func keepAliveIsHonoured() async throws {
        let environment = try await TestEnvironment.shared()
        let connection = try RawHTTPConnection(port: environment.gateway.port)
        for (path, status) in [("/healthz", 200), ("/v1/properties/LA2023002/dossier", 200),
                               ("/v1/properties/LA2023003/dossier", 200), ("/nowhere", 404)] {
            let response = try await connection.send("GET", path, headers: TestEnvironment.credentials())
            #expect(response.status == status, "\(path)")
            #expect(response.headers["connection"]?.lowercased() != "close")
        }
        #expect(await connection.isClosedByServer() == false)
    }

    /// `server.per_ip_connection_limit`: one address holds at most that many connections; the
    /// next is closed as soon as it is accepted, and a slot given back can be used again.
    @Test func perIPConnectionLimit() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.server.perIPConnectionLimit = 2
            return config
        }
        let port = environment.gateway.port
        var held = [try RawHTTPConnection(port: port), try RawHTTPConnection(port: port)]
        for connection in held {
            #expect(try await connection.send("GET", "/healthz").status == 200)
        }
        let third = try RawHTTPConnection(port: port)
        #expect(await third.isClosedByServer(), "a third connection from one address was kept")
        held.removeFirst()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await RawHTTPConnection(port: port).send("GET", "/healthz").status == 200)
        #expect(try await held[0].send("GET", "/healthz").status == 200)
    }
}
