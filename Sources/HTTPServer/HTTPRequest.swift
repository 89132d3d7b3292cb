/// A request as the server hands it to the handler: parsed, body complete, nothing left to read.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path, percent-decoded, without the query.
    public var path: String
    public var query: [(name: String, value: String)]
    /// Looked up by name (case-insensitively) when asked for.
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// True when the body was longer than the server's limit; `body` is then empty.
    public var bodyExceededLimit: Bool
    /// The address the connection came from; a handler behind front proxies may replace it with
    /// the address of the client they forward.
    public var remoteAddress: String
    /// When the server had the whole request, before it waited for a task thread: deadlines
    /// and latencies count from here, so time queued inside the gateway under load is not hidden.
    public var receivedAt: ContinuousClock.Instant
    /// Why the request cannot be read safely; then `body` is empty (none of it was read), the
    /// handler should refuse it, and the server closes the connection after the answer.
    public var defect: RequestDefect?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                bodyExceededLimit: Bool = false, remoteAddress: String = "", receivedAt: ContinuousClock.Instant = .now,
                defect: RequestDefect? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyExceededLimit = bodyExceededLimit
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
        self.defect = defect
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(name)
    }

    /// Every value of header `name`, compared case-insensitively, in the order received.
    public func headerValues(_ name: String) -> [String] {
        headers.values(name)
    }

    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}
