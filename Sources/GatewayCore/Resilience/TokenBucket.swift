/// One token bucket: starts full with `limit.burst` tokens, refills continuously at
/// `limit.requestsPerSecond` up to `burst`, and each allowed request takes one token.
/// A plain value; `ClientRateLimiter` keeps one per client and `MalformedRequestGuard` one per
/// address, behind their locks.
public struct TokenBucket: Sendable {
    public let limit: RateLimit
    private var tokens: Double
    private var updated: ContinuousClock.Instant?

    public init(limit: RateLimit) {
        precondition(limit.requestsPerSecond > 0 && limit.burst >= 1, "a rate limit needs a positive rate and burst")
        self.limit = limit
        tokens = Double(limit.burst)
    }

    /// Takes a token at `now` if there is one.
    public mutating func take(now: ContinuousClock.Instant) -> RateDecision {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        return .limited(retryAfter: wait(from: tokens))
    }

    /// Seconds until a token is back, or `nil` if there is one at `now`. Changes nothing.
    func retryAfter(at now: ContinuousClock.Instant) -> Int? {
        let available = tokens(at: now)
        return available >= 1 ? nil : wait(from: available)
    }

    /// The tokens the bucket holds at `now`; a full bucket is the same as one never used.
    func tokens(at now: ContinuousClock.Instant) -> Double {
        // Threads read the clock before taking the lock, so `now` may be a little behind `updated`.
        guard let updated, now > updated else { return tokens }
        return min(Double(limit.burst), tokens + (updated.duration(to: now) / .seconds(1)) * limit.requestsPerSecond)
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        tokens = tokens(at: now)
        updated = max(now, updated ?? now)
    }

    /// Whole seconds until `available` tokens have grown to one, at least 1. Clamped as a Double:
    /// a rate far below the config's minimum would not fit an Int.
    private func wait(from available: Double) -> Int {
        let seconds = min(Double(RateLimit.maximumRetryAfterSeconds), ((1 - available) / limit.requestsPerSecond).rounded(.up))
        return max(1, Int(seconds))
    }
}
