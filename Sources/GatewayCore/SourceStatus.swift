/// What became of one department's part of a dossier (SPEC §2).
public enum SourceStatus: String, Sendable, CaseIterable {
    case ok
    /// The department answered 404.
    case notFound = "not_found"
    /// No complete answer within the source's timeout or the dossier deadline.
    case timeout
    /// No connection: refused, reset, closed, DNS or TLS failure.
    case unavailable
    /// The department answered with a status other than 2xx or 404.
    case upstreamError = "upstream_error"
    /// The body was not a JSON object, or larger than the cap.
    case invalidResponse = "invalid_response"
    /// The source's circuit breaker is open; no call was made.
    case circuitOpen = "circuit_open"
    /// The caller's role may not see this source; no call was made.
    case notPermitted = "not_permitted"
}
