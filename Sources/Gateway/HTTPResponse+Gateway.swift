import GatewayCore
import GatewayJSON
import HTTPServer

extension HTTPResponse {
    /// Headers on every gateway answer: nothing is cached, nothing is sniffed.
    static let standardHeaders: [(name: String, value: String)] = [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    /// The headers every answer carries, then `extra`, in one array with room for the four an
    /// audited answer gets after (`traceparent`, `Content-Digest`, `X-Client-Id`, `X-Client-Role`).
    private static func headers(requestID: String, _ extra: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(standardHeaders.count + 1 + extra.count + 4)
        headers += standardHeaders
        headers.append(("X-Request-Id", requestID))
        headers += extra
        return headers
    }

    static func json(_ body: JSON, status: Int, requestID: String,
                     headers: [(name: String, value: String)] = []) -> HTTPResponse {
        json(bytes: body.encoded(), status: status, requestID: requestID, headers: headers)
    }

    /// A JSON answer whose body is already encoded.
    static func json(bytes: [UInt8], status: Int, requestID: String,
                     headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: bytes,
                     headers: Self.headers(requestID: requestID, headers))
    }

    /// A 200 answer that is not JSON (metrics, the OpenAPI document, the console's files).
    static func document(_ body: [UInt8], contentType: String, requestID: String,
                         headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: contentType, body: body, headers: Self.headers(requestID: requestID, headers))
    }

    /// `302 Found` to `location` on this gateway (`/` to the console), with no body.
    static func redirect(to location: String, requestID: String) -> HTTPResponse {
        HTTPResponse(status: 302, headers: Self.headers(requestID: requestID, [("Location", location)]))
    }

    static func problem(_ problem: Problem, requestID: String) -> HTTPResponse {
        HTTPResponse(status: problem.status, contentType: "application/problem+json; charset=utf-8",
                     body: problem.json(requestID: requestID).encoded(),
                     headers: headers(requestID: requestID, problem.headers))
    }
}

extension HTTPResponse {
    /// A console file, under the console's Content-Security-Policy; `Referrer-Policy` keeps
    /// property ids out of any referrer.
    static func console(_ asset: ConsoleAssets.Asset, requestID: String) -> HTTPResponse {
        document(asset.body, contentType: asset.contentType, requestID: requestID,
                 headers: [("Content-Security-Policy", ConsoleAssets.contentSecurityPolicy),
                           ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")])
    }
}
