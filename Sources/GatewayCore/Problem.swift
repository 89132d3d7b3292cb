import GatewayJSON

/// An error of the gateway itself, sent as RFC 9457 `application/problem+json`.
public struct Problem: Sendable, Error, Equatable {
    /// A short stable slug; the problem `type` is `urn:exchange-gateway:problem:<kind>`.
    public var kind: String
    public var title: String
    public var status: Int
    public var detail: String
    public var headers: [(String, String)] = []

    public init(kind: String, title: String, status: Int, detail: String, headers: [(String, String)] = []) {
        self.kind = kind
        self.title = title
        self.status = status
        self.detail = detail
        self.headers = headers
    }

    public var type: String { "urn:exchange-gateway:problem:" + kind }

    public func json(requestID: String) -> JSON {
        JSON.object([
            "type": JSON(type),
            "title": JSON(title),
            "status": JSON(status),
            "detail": JSON(detail),
            "request_id": JSON(requestID),
        ])
    }

    /// Every field, headers in order (tuples are not `Equatable`, so this is written out).
    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.kind == rhs.kind && lhs.title == rhs.title && lhs.status == rhs.status && lhs.detail == rhs.detail
            && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }
}

extension Problem {
    public static func invalidPropertyID() -> Problem {
        Problem(kind: "invalid-property-id", title: "Invalid property id", status: 400,
                detail: "a property id is 1 to \(PropertyID.maximumLength) characters of A-Z, a-z, 0-9 and '-'")
    }

    public static func invalidParameter(_ detail: String) -> Problem {
        Problem(kind: "invalid-parameter", title: "Invalid parameter", status: 400, detail: detail)
    }

    public static func routeNotFound() -> Problem {
        Problem(kind: "not-found", title: "Not found", status: 404, detail: "no route for this path")
    }

    public static func methodNotAllowed(allowed: [String]) -> Problem {
        Problem(kind: "method-not-allowed", title: "Method not allowed", status: 405,
                detail: "this route accepts " + allowed.joined(separator: ", "),
                headers: [("Allow", allowed.joined(separator: ", "))])
    }

    public static func payloadTooLarge(limit: Int) -> Problem {
        Problem(kind: "payload-too-large", title: "Payload too large", status: 413,
                detail: "request bodies are limited to \(limit) bytes")
    }
}

extension Problem {
    public static func shuttingDown() -> Problem {
        Problem(kind: "shutting-down", title: "Shutting down", status: 503,
                detail: "this gateway instance is shutting down; retry on another instance",
                headers: [("Retry-After", "1"), ("Connection", "close")])
    }
}

extension Problem {
    /// 401 with the challenge RFC 6750 asks for.
    public static func unauthorized(keyWasPresented: Bool) -> Problem {
        let challenge = keyWasPresented ? #"Bearer realm="exchange-gateway", error="invalid_token""# : #"Bearer realm="exchange-gateway""#
        return Problem(kind: "unauthorized", title: "Unauthorized", status: 401,
                       detail: keyWasPresented ? "the API key is not valid" : "send Authorization: Bearer <API key>",
                       headers: [("WWW-Authenticate", challenge)])
    }

    public static func uriTooLong(limit: Int) -> Problem {
        Problem(kind: "uri-too-long", title: "URI too long", status: 414,
                detail: "request targets are limited to \(limit) bytes")
    }

    public static func tooManyMalformedRequests(retryAfterSeconds: Int) -> Problem {
        Problem(kind: "too-many-malformed-requests", title: "Too many malformed requests", status: 429,
                detail: "this address sent too many invalid requests; retry later",
                headers: [("Retry-After", String(retryAfterSeconds))])
    }
}

extension Problem {
    /// A client whose role is missing from the config; config validation prevents it.
    public static func forbiddenRole(_ role: String) -> Problem {
        Problem(kind: "forbidden", title: "Forbidden", status: 403, detail: "role \(role) is not configured")
    }
}

extension Problem {
    /// Fail closed: without a durable audit record no data leaves the gateway.
    public static func auditUnavailable() -> Problem {
        Problem(kind: "audit-unavailable", title: "Audit log unavailable", status: 503,
                detail: "the audit log cannot be written, so no data is served; the gateway retries by itself",
                headers: [("Retry-After", "5")])
    }
}

extension Problem {
    /// The gateway had `limit` dossiers in progress and none finished before this one's deadline.
    public static func overloaded(limit: Int) -> Problem {
        Problem(kind: "overloaded", title: "Overloaded", status: 503,
                detail: "the gateway is building \(limit) dossiers at once and none finished in time for this one; try again shortly",
                headers: [("Retry-After", "1")])
    }

    /// The gateway was answering `limit` batches and none finished before this one's first item's deadline.
    public static func overloaded(batches limit: Int) -> Problem {
        Problem(kind: "overloaded", title: "Overloaded", status: 503,
                detail: "the gateway is answering \(limit) batches at once and none finished in time for this one; try again shortly",
                headers: [("Retry-After", "1")])
    }
}

extension Problem {
    public static func rateLimited(retryAfterSeconds: Int) -> Problem {
        Problem(kind: "rate-limited", title: "Too many requests", status: 429,
                detail: "this client's request rate is limited; retry after \(retryAfterSeconds) s",
                headers: [("Retry-After", String(retryAfterSeconds))])
    }
}

extension Problem {
    /// A body the route cannot read: not JSON, or not the shape the route takes.
    public static func invalidBody(_ detail: String) -> Problem {
        Problem(kind: "invalid-body", title: "Invalid request body", status: 400, detail: detail)
    }

    public static func unsupportedMediaType(expected: String) -> Problem {
        Problem(kind: "unsupported-media-type", title: "Unsupported media type", status: 415,
                detail: "this route takes a body of Content-Type \(expected)")
    }
}

extension Problem {
    /// Where the request's body ends is ambiguous (README "Hardening"): it is refused before any of
    /// the body is read, and the connection is closed, so nothing can be smuggled in after it.
    public static func ambiguousFraming(_ detail: String) -> Problem {
        Problem(kind: "ambiguous-framing", title: "Ambiguous framing", status: 400, detail: detail,
                headers: [("Connection", "close")])
    }

    public static func unsupportedTransferEncoding() -> Problem {
        Problem(kind: "unsupported-transfer-encoding", title: "Unsupported transfer encoding", status: 501,
                detail: "the only Transfer-Encoding accepted is chunked, once", headers: [("Connection", "close")])
    }

    /// A NUL character would end the gateway's copy of the text early, so the rest would go unseen.
    public static func nulCharacter(in place: String) -> Problem {
        Problem(kind: "nul-character", title: "NUL character", status: 400,
                detail: "the \(place) contains a NUL character (sent raw or as %00)", headers: [("Connection", "close")])
    }

    public static func foldedHeaderLine() -> Problem {
        Problem(kind: "folded-header-line", title: "Folded header line", status: 400,
                detail: "a header line continues on the next line (obsolete line folding); send each header on one line",
                headers: [("Connection", "close")])
    }

    public static func invalidHeaderName() -> Problem {
        Problem(kind: "invalid-header-name", title: "Invalid header name", status: 400,
                detail: "a header name must be a token: no white space (also not before the colon), no separator such as / or :",
                headers: [("Connection", "close")])
    }

    /// A header the gateway reads one value of, sent more than once: which one counts would depend on who reads it.
    public static func duplicateHeader(_ name: String) -> Problem {
        Problem(kind: "duplicate-header", title: "Duplicate header", status: 400, detail: "\(name) must be sent once")
    }
}

extension Problem {
    /// A trusted proxy's request whose forwarding headers do not say who the client is.
    public static func invalidForwardedFor(_ detail: String) -> Problem {
        Problem(kind: "invalid-forwarded-for", title: "Invalid forwarding header", status: 400, detail: detail)
    }

    /// The client's address already has `limit` connections (requests, behind a trusted proxy) in progress.
    public static func tooManyConnections(limit: Int) -> Problem {
        Problem(kind: "too-many-connections", title: "Too many connections", status: 429,
                detail: "this address has \(limit) requests in progress, server.per_ip_connection_limit; retry when one is done",
                headers: [("Retry-After", "1")])
    }
}

extension Problem {
    /// The request (line, headers and body) did not arrive within `server.header_timeout_s`.
    public static func requestHeaderTimeout(seconds: Int) -> Problem {
        Problem(kind: "request-header-timeout", title: "Request header timeout", status: 408,
                detail: "the request line, headers and body must arrive within \(seconds) s", headers: [("Connection", "close")])
    }
}

extension Problem {
    /// A batch item left out because the batch's answer reached `limits.max_batch_response_bytes`.
    public static func batchTooLarge(limit: Int) -> Problem {
        Problem(kind: "batch-too-large", title: "Batch answer too large", status: 413,
                detail: "the batch's answer reached its limit of \(limit) bytes before this dossier; ask for it alone or in a smaller batch")
    }
}
