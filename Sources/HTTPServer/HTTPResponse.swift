/// What the handler answers: a response, or a connection closed without one.
public enum HTTPReply: Sendable {
    case respond(HTTPResponse)
    /// Close the connection without answering (used to simulate a broken upstream).
    case dropConnection
}

public struct HTTPResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Produced on demand: `next` returns the next chunk, or `nil` at the end.
        /// With `length` nil the response is chunked.
        case stream(length: UInt64?, next: @Sendable () async -> [UInt8]?)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.init(status: status, headers: [("Content-Type", contentType)] + headers, body: .bytes(body))
    }
}

/// Answers a request in a task of its own, on the event loop that read it.
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPReply

/// Decides on a request synchronously, on the event loop that read it, and answers it through the
/// exchange: at once, with a task, or later (see `HTTPExchange`). It must be quick.
public typealias HTTPExchangeHandler = @Sendable (HTTPRequest, HTTPExchange) -> Void
