import GatewayJSON
import HTTPServer

/// One fake department API: its fixtures, a fixed latency, and the faults of SPEC §6.
public final class DepartmentStub: Sendable {
    public let department: Department
    private let server: HTTPServer
    private let log = RequestLog()

    /// How long the SLOW fault waits, and the gap between DRIP bytes.
    static let slowDelay = Duration.seconds(2)
    static let dripInterval = Duration.seconds(1)
    /// How long TIMEOUT holds a connection and DRIP keeps sending before giving up. The server
    /// cannot tell that the client left, so without a bound each such request would hold one of
    /// the stub's connections for an hour (DRIP: the whole record at a byte a second), and under
    /// sustained fault load the stub would refuse connections: the gateway would see
    /// `unavailable` instead of `timeout`. Two minutes is far above any gateway deadline.
    static let maxHold = Duration.seconds(120)
    static let hugeBodyBytes = 50 * 1024 * 1024

    public init(department: Department, fixtures: FixtureStore, host: String = "127.0.0.1", port: Int = 0,
                latency: Duration = .zero, tls: HTTPServer.TLS? = nil) throws(HTTPServerError) {
        self.department = department
        let log = self.log
        let configuration = HTTPServer.Configuration(host: host, port: port, threads: 2, connectionLimit: 20000, tls: tls)
        server = try HTTPServer(configuration: configuration) { request in
            if request.path == "/_stub/requests" {
                let count = log.requests.count
                return .respond(HTTPResponse(status: 200, contentType: "application/json",
                                             body: JSON.object(["requests": JSON(count)]).encoded()))
            }
            log.record(ReceivedRequest(path: request.path, traceparent: request.header("traceparent"),
                                       requestID: request.header("X-Request-Id")))
            if latency > .zero { try? await Task.sleep(for: latency) }
            return await Self.answer(request, department: department, fixtures: fixtures)
        }
    }

    public var port: Int { server.port }

    /// The department requests received so far, oldest first.
    public var receivedRequests: [ReceivedRequest] {
        log.requests
    }

    /// Paths of the department requests received so far, oldest first.
    public var receivedPaths: [String] {
        log.requests.map(\.path)
    }

    public func shutdown() async {
        await server.shutdown(gracePeriod: .zero)
    }

    static func answer(_ request: HTTPRequest, department: Department, fixtures: FixtureStore) async -> HTTPReply {
        guard request.method == "GET", request.path.hasPrefix(department.pathPrefix) else {
            return .respond(json(404, ["error": JSON("no such endpoint")]))
        }
        let propertyID = String(request.path.dropFirst(department.pathPrefix.count))
        guard let (faulty, fault) = Fault.parse(propertyID) else {
            guard let body = fixtures.body(of: department, for: propertyID) else {
                return .respond(json(404, ["error": JSON("未找到该不动产记录"), "property_id": JSON(propertyID)]))
            }
            return .respond(ok(body))
        }
        let body = fixtures.templateBody(of: department, as: propertyID)
        return faulty == department ? await misbehave(fault, body: body) : .respond(ok(body))
    }

    static func misbehave(_ fault: Fault, body: [UInt8]) async -> HTTPReply {
        switch fault {
        case .timeout:
            try? await Task.sleep(for: maxHold)
            return .dropConnection
        case .slow:
            try? await Task.sleep(for: slowDelay)
            return .respond(ok(body))
        case .serverError:
            let html = "<html><head><title>500 Internal Server Error</title></head><body><h1>服务器内部错误</h1><p>java.lang.NullPointerException at gov.liuan.PropertyService</p></body></html>"
            return .respond(HTTPResponse(status: 500, contentType: "text/html; charset=utf-8", body: Array(html.utf8)))
        case .notFound:
            return .respond(json(404, ["error": JSON("未找到该不动产记录")]))
        case .badJSON:
            return .respond(ok(Array(body.prefix(body.count / 2))))
        case .huge:
            return .respond(HTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                                         body: .stream(length: nil, next: HugeBody().next)))
        case .drip:
            let dripping = DripBody(body: body)
            return .respond(HTTPResponse(status: 200, headers: [("Content-Type", "application/json")],
                                         body: .stream(length: UInt64(body.count), next: dripping.next)))
        case .reset:
            return .dropConnection
        }
    }

    static func ok(_ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: body)
    }

    static func json(_ status: Int, _ entries: KeyValuePairs<String, JSON>) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: JSON.object(entries).encoded())
    }
}
