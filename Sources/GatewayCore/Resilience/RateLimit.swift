/// How fast one client may call the gateway: a token bucket of `burst` tokens refilled at
/// `requestsPerSecond`, one token per request.
public struct RateLimit: Sendable, Equatable {
    public var requestsPerSecond: Double
    public var burst: Int

    /// The slowest rate the config accepts: one request an hour. Slower ones are a mistake, and
    /// their waits would not fit a `Retry-After`.
    public static let minimumRequestsPerSecond = 1.0 / 3600
    /// The longest `Retry-After` given, whatever the rate.
    public static let maximumRetryAfterSeconds = 3600

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
