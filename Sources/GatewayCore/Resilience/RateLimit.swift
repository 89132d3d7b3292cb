/// How fast one client may call the gateway: a token bucket of `burst` tokens refilled at
/// `requestsPerSecond`, one token per request.
public struct RateLimit: Sendable, Equatable {
    public var requestsPerSecond: Double
    public var burst: Int

    public init(requestsPerSecond: Double, burst: Int) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }
}

/// The answer of a rate limiter for one request.
public enum RateDecision: Sendable, Equatable {
    case allowed
    /// Refused; a token is back after `retryAfter` whole seconds (at least 1), for `Retry-After`.
    case limited(retryAfter: Int)
}
