import GatewayCore
import GatewayJSON
import HTTPServer

extension HTTPResponse {
    /// Headers on every gateway answer: nothing is cached, nothing is sniffed.
    static let standardHeaders: [(name: String, value: String)] = [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]

    static func json(_ body: JSON, status: Int, requestID: String,
                     headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: body.encoded(),
                     headers: standardHeaders + [("X-Request-Id", requestID)] + headers)
    }

    /// A 200 answer that is not JSON (metrics, the OpenAPI document), with the headers every answer carries.
    static func document(_ body: [UInt8], contentType: String, requestID: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: contentType, body: body, headers: standardHeaders + [("X-Request-Id", requestID)])
    }

    static func problem(_ problem: Problem, requestID: String) -> HTTPResponse {
        HTTPResponse(status: problem.status, contentType: "application/problem+json; charset=utf-8",
                     body: problem.json(requestID: requestID).encoded(),
                     headers: standardHeaders + [("X-Request-Id", requestID)] + problem.headers)
    }
}

extension HTTPResponse {
    /// A console file, under the console's Content-Security-Policy; `Referrer-Policy` keeps
    /// property ids out of any referrer.
    static func console(_ asset: ConsoleAssets.Asset, requestID: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: asset.contentType, body: asset.body,
                     headers: standardHeaders + [("X-Request-Id", requestID),
                                                 ("Content-Security-Policy", ConsoleAssets.contentSecurityPolicy),
                                                 ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")])
    }
}
