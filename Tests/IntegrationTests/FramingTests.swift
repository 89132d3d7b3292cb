import Foundation
import GatewayCore
import Testing

/// Strict HTTP framing, decided from the request line and headers before any body is read
/// (README "Hardening"), over raw sockets: requests no client library would send.
@Suite(.endsWhatItStarts) struct FramingTests {
    static let credentials = "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: framing test\r\n"
    static let batchBody = #"{"property_ids": ["LA2023001"]}"#

    /// A request head (request line, Host, `extra` header lines) and `body`, as bytes.
    static func request(_ method: String = "GET", _ target: String, version: String = "HTTP/1.1", _ extra: String = "",
                        body: String = "") -> [UInt8] {
        Array("\(method) \(target) \(version)\r\nHost: 127.0.0.1\r\n\(extra)\r\n\(body)".utf8)
    }

    /// Sends `bytes` on a new connection; the answer, and whether the server then closed the connection
    /// (instead of answering anything that came after).
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> (response: RawResponse, closed: Bool) {
        let connection = try RawHTTPConnection(port: port)
        let response = try await connection.sendRaw(bytes)
        return (response, await connection.isClosedByServer())
    }

    /// A dossier request with `headers` (lines ending in CR LF) on a new connection to the shared gateway.
    static func dossierRequest(with headers: String) async throws -> (response: RawResponse, closed: Bool) {
        let environment = try await TestEnvironment.shared()
        return try await exchange(request("GET", "/v1/properties/LA2023001/dossier", headers), port: environment.gateway.port)
    }

    /// A body framed two ways, with a second request behind it that only one framing reveals: refused
    /// before the body is read, the connection closed, the smuggled request never answered.
    @Test(arguments: [
        ("Content-Length with chunked", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "ambiguous-framing", 400),
        ("chunked with Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "ambiguous-framing", 400),
        ("two different Content-Lengths", "Content-Length: 5\r\nContent-Length: 64\r\n", "ambiguous-framing", 400),
        ("unknown coding", "Transfer-Encoding: xchunked\r\n", "unsupported-transfer-encoding", 501),
        ("coding list", "Transfer-Encoding: gzip, chunked\r\n", "unsupported-transfer-encoding", 501),
        ("two chunked headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "unsupported-transfer-encoding", 501),
    ])
    func ambiguousBodiesAreRefusedUnread(_ name: String, framing: String, kind: String, status: Int) async throws {
        let environment = try await TestEnvironment.shared()
        let smuggled = "GET /v1/properties/SMUGGLED1/dossier HTTP/1.1\r\nHost: x\r\n\(Self.credentials)\r\n"
        let body = "0\r\n\r\n" + smuggled
        let bytes = Self.request("POST", "/v1/dossiers:batch", Self.credentials + "Content-Type: application/json\r\n" + framing, body: body)
        let (response, closed) = try await Self.exchange(bytes, port: environment.gateway.port)
        #expect(response.status == status, "\(name)")
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:" + kind, "\(name)")
        #expect(response.headers["connection"]?.lowercased() == "close", "\(name)")
        #expect(closed, "\(name): the connection stayed open after an ambiguous body")
        #expect(!environment.allStubPaths.contains { $0.contains("SMUGGLED1") }, "\(name)")
    }

    /// `Transfer-Encoding` in an HTTP/1.0 request is refused too: 1.0 has no chunked framing.
    @Test func transferEncodingInHTTP10() async throws {
        let environment = try await TestEnvironment.shared()
        let bytes = Self.request("POST", "/v1/dossiers:batch", version: "HTTP/1.0",
                                 Self.credentials + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", body: "0\r\n\r\n")
        let (response, closed) = try await Self.exchange(bytes, port: environment.gateway.port)
        #expect(response.status == 400)
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:ambiguous-framing")
        #expect(closed)
    }

    /// Unambiguous framing still works: chunked alone, and a Content-Length repeated with the same value.
    @Test(arguments: [
        ("chunked", "Transfer-Encoding: chunked\r\n", "\(String(batchBody.utf8.count, radix: 16))\r\n\(batchBody)\r\n0\r\n\r\n"),
        ("Chunked in capitals", "Transfer-Encoding: Chunked\r\n", "\(String(batchBody.utf8.count, radix: 16))\r\n\(batchBody)\r\n0\r\n\r\n"),
        ("same Content-Length twice", "Content-Length: \(batchBody.utf8.count)\r\nContent-Length: \(batchBody.utf8.count)\r\n", batchBody),
    ])
    func unambiguousBodiesAreRead(_ name: String, framing: String, body: String) async throws {
        let environment = try await TestEnvironment.shared()
        let bytes = Self.request("POST", "/v1/dossiers:batch", Self.credentials + "Content-Type: application/json\r\n" + framing, body: body)
        let (response, closed) = try await Self.exchange(bytes, port: environment.gateway.port)
        #expect(response.status == 200, "\(name): \(response.bodyText)")
        #expect(try response.json()["dossiers"]?.elements.first?["property_id"]?.string == "LA2023001", "\(name)")
        #expect(!closed, "\(name): keep-alive is kept")
    }

    /// A NUL anywhere in the decoded target, raw or as %00, in the path or the query, is 400
    /// `nul-character`: never a shorter path served, never a 404 for a dossier path.
    @Test(arguments: [
        "/v1/properties/LA2023001/dossier%00junk",
        "/v1/properties/LA%00X/dossier",
        "/v1/properties/LA2023001%00/dossier",
        "/v1/properties/LA2023001/dossier?sources=land%00tax",
        "/v1/properties/LA2023001/dossier?x%00=1",
        "/healthz%00",
        "/v1/properties/LA2023001/dossier\0junk",
        "/v1/properties/LA\02023001/dossier",
    ])
    func nulInTheTargetIsRefused(_ target: String) async throws {
        let environment = try await TestEnvironment.shared()
        let (response, closed) = try await Self.exchange(Self.request("GET", target, Self.credentials), port: environment.gateway.port)
        #expect(response.status == 400, "\(target.debugDescription)")
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:nul-character", "\(target.debugDescription)")
        #expect(closed)
    }

    /// A NUL in a header value is 400 `nul-character`, never the value cut short (`case\0hidden`
    /// audited as `case`, a key with junk after a NUL accepted as the key).
    @Test(arguments: [
        "X-Purpose: case\0hidden\r\nAuthorization: Bearer \(TestEnvironment.Key.clerk)\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\0junk\r\nX-Purpose: case\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\r\nX-Other: a\0\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: \0\r\n",
    ])
    func nulInAHeaderValueIsRefused(_ headers: String) async throws {
        let (response, closed) = try await Self.dossierRequest(with: headers)
        #expect(response.status == 400, "\(headers.debugDescription)")
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:nul-character", "\(headers.debugDescription)")
        #expect(closed)
    }

    /// A header line folded onto the next one is 400 `folded-header-line`.
    @Test func foldedHeaderLineIsRefused() async throws {
        let (response, _) = try await Self.dossierRequest(with: "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\r\n  continued\r\n")
        #expect(response.status == 400)
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:folded-header-line")
    }

    /// A second `Authorization` or `X-Purpose` is 400 `duplicate-header`, whichever comes first.
    @Test(arguments: [
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nAuthorization: Bearer wrong\r\nX-Purpose: case\r\n",
        "Authorization: Bearer wrong\r\nAuthorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case 1\r\nx-purpose: case 2\r\n",
    ])
    func duplicateCredentialsAreRefused(_ headers: String) async throws {
        let (response, _) = try await Self.dossierRequest(with: headers)
        #expect(response.status == 400)
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:duplicate-header")
    }

    /// These refusals of dossier requests are audited like every other, with what the gateway could
    /// read (never a purpose cut at a NUL), and no department is called.
    @Test func refusalsAreAudited() async throws {
        let environment = try await TestEnvironment.start()
        let port = environment.gateway.port
        let dossier = "/v1/properties/LA2023001/dossier"
        _ = try await Self.exchange(Self.request("GET", dossier, "X-Request-Id: nul-purpose\r\nAuthorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\0hidden\r\n"), port: port)
        _ = try await Self.exchange(Self.request("POST", "/v1/dossiers:batch", "X-Request-Id: smuggle\r\n" + Self.credentials
            + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n", body: "0\r\n\r\n"), port: port)
        _ = try await Self.exchange(Self.request("GET", dossier, "X-Request-Id: twice\r\n" + Self.credentials + "X-Purpose: again\r\n"), port: port)
        let audit = environment.gateway.config.audit
        await environment.stop()
        let records = Dictionary(try AuditIntegrationTests.records(audit).compactMap { record in
            record["request_id"]?.string.map { ($0, record) }
        }) { first, _ in first }
        #expect(records["nul-purpose"]?["http_status"]?.integer == 400)
        #expect(records["nul-purpose"]?["purpose"]?.string != "case", "a purpose cut at its NUL was recorded")
        #expect(records["smuggle"]?["http_status"]?.integer == 400)
        #expect(records["twice"]?["http_status"]?.integer == 400)
        #expect(environment.allStubPaths.isEmpty)
    }
}
