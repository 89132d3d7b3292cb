/// One token bucket: starts full with `limit.burst` tokens, refills continuously at
/// `limit.requestsPerSecond` up to `burst`, and each allowed request takes one token.
/// A plain value; `ClientRateLimiter` keeps one per client behind a lock.
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
        // Clamped as a Double: a rate far below the config's minimum would not fit an Int.
        let wait = min(Double(RateLimit.maximumRetryAfterSeconds), ((1 - tokens) / limit.requestsPerSecond).rounded(.up))
        return .limited(retryAfter: max(1, Int(wait)))
    }

    /// Whether the bucket is full at `now`, i.e. the same as a bucket never used.
    mutating func isFull(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        return tokens >= Double(limit.burst)
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard let updated else {
            self.updated = now
            return
        }
        // Threads read the clock before taking the lock, so `now` may be a little behind `updated`.
        guard now > updated else { return }
        tokens = min(Double(limit.burst), tokens + (updated.duration(to: now) / .seconds(1)) * limit.requestsPerSecond)
        self.updated = now
    }
}
