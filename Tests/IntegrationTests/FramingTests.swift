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

    /// A header name that is not a token (RFC 9110 §5.1): white space before the colon, or a
    /// character such as `/`. RFC 9112 §5.1 requires a 400 for white space there, since proxies
    /// disagree on what such a line is: libmicrohttpd 0.9.75 keeps `Authorization ` (with its
    /// space) as a header of its own, so a second `Authorization` or `X-Purpose` slips past the
    /// duplicate check (a proxy that trims the name sees two, and may use the other one), and a
    /// `Transfer-Encoding : chunked` next to a `Content-Length` (or the reverse) slips past the
    /// framing check, the body framed one way here and maybe the other way in front. Found in the
    /// review of issue 16; fixed with the event-loop server: any header name outside `tchar` is a
    /// `RequestDefect` in `RequestHead`, answered `400 invalid-header-name` and closed.
    @Test(arguments: [
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nAuthorization : Bearer wrong\r\nX-Purpose: case\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case 1\r\nX-Purpose\t: case 2\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\r\nX/Purpose: other\r\n",
        "Authorization: Bearer \(TestEnvironment.Key.clerk)\r\nX-Purpose: case\r\n: no name\r\n",
    ])
    func headerNamesMustBeTokens(_ headers: String) async throws {
        let (response, closed) = try await Self.dossierRequest(with: headers)
        #expect(response.status == 400, "\(headers.debugDescription): \(response.status)")
        #expect(try response.json()["type"]?.string?.hasPrefix("urn:exchange-gateway:problem:") == true, "\(headers.debugDescription)")
        #expect(closed, "\(headers.debugDescription)")
    }

    /// The framing headers hidden behind white space before the colon: refused, never a body read
    /// by the header libmicrohttpd recognised while the other one is there too.
    @Test(arguments: [
        "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n",
        "Content-Length : 5\r\nTransfer-Encoding: chunked\r\n",
    ])
    func framingHeadersWithSpaceBeforeTheColonAreRefused(_ framing: String) async throws {
        let environment = try await TestEnvironment.shared()
        let smuggled = "GET /v1/properties/SMUGGLED2/dossier HTTP/1.1\r\nHost: x\r\n\(Self.credentials)\r\n"
        let bytes = Self.request("POST", "/v1/dossiers:batch", Self.credentials + "Content-Type: application/json\r\n" + framing,
                                 body: "0\r\n\r\n" + smuggled)
        let (response, closed) = try await Self.exchange(bytes, port: environment.gateway.port)
        #expect(response.status == 400, "\(framing.debugDescription): \(response.bodyText)")
        #expect(closed, "\(framing.debugDescription)")
        #expect(!environment.allStubPaths.contains { $0.contains("SMUGGLED2") }, "\(framing.debugDescription)")
    }

    /// `Transfer-Encoding: chunked` with white space after it, or inside it. The framing check
    /// takes the white space out and lets it pass as chunked, but libmicrohttpd 0.9.75 does not
    /// trim it, reads the body as one that ends when the connection does, and never answers: the
    /// request hangs until the client gives up, however the documented rule reads ("other than
    /// exactly `chunked` → 501"). Fixed with the event-loop server: the value is compared as
    /// libmicrohttpd hands it over (`RequestFraming`), so anything but `chunked` in any case is 501
    /// and closed.
    @Test(arguments: ["chunked ", "chunked\t", "chun ked", "chunked  "])
    func chunkedWithWhiteSpaceIsAnsweredNotHung(_ coding: String) async throws {
        let environment = try await TestEnvironment.shared()
        let body = "\(String(Self.batchBody.utf8.count, radix: 16))\r\n\(Self.batchBody)\r\n0\r\n\r\n"
        let bytes = Self.request("POST", "/v1/dossiers:batch",
                                 Self.credentials + "Content-Type: application/json\r\nTransfer-Encoding: \(coding)\r\n", body: body)
        let (response, closed) = try await Self.exchange(bytes, port: environment.gateway.port)
        #expect([200, 501].contains(response.status), "\(coding.debugDescription): \(response.status)")
        if response.status == 501 { #expect(closed, "\(coding.debugDescription)") }
    }

    /// A body longer than `max_body_bytes` is refused as soon as that is known: from its
    /// `Content-Length` before any of it arrives (100 MB declared and nothing sent: 413 at once,
    /// closed). Fixed with the event-loop server: a `Content-Length` over the limit is a
    /// `RequestDefect`.
    @Test func oversizedBodyIsRefusedBeforeItIsRead() async throws {
        let environment = try await TestEnvironment.shared()
        let head = Array("POST /v1/dossiers:batch HTTP/1.1\r\nHost: 127.0.0.1\r\n\(Self.credentials)Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n".utf8)
        let (response, closed) = try await Self.exchange(head, port: environment.gateway.port)
        #expect(response.status == 413)
        #expect(closed)
    }

    /// A chunked body whose chunk size is past the limit (2^64 - 16 bytes, then one byte sent) should
    /// be refused at once. Today it is read until the bytes pass the body limit or
    /// `server.header_timeout_s` ends the request (408, closed): libmicrohttpd 0.9.75 reads the chunk
    /// sizes itself and shows the handler only the bytes, and it queues no answer while a body is
    /// being read, so only a server that frames bodies itself can refuse this one early.
    @Test(.disabled("reason: libmicrohttpd reads chunk sizes itself and answers nothing while a body is read"))
    func oversizedChunkIsRefusedBeforeItIsRead() async throws {
        let environment = try await TestEnvironment.shared()
        let head = Array("POST /v1/dossiers:batch HTTP/1.1\r\nHost: 127.0.0.1\r\n\(Self.credentials)Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff0\r\n{".utf8)
        let (response, closed) = try await Self.exchange(head, port: environment.gateway.port)
        #expect(response.status == 413)
        #expect(closed)
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
