import Synchronization

/// Makes floods of malformed requests cheap: each address has a token bucket of `burst` tokens,
/// refilled at `perMinute`; every malformed (4xx) request takes one, and an address with an
/// empty bucket gets 429 without further work until a token is back.
public final class MalformedRequestGuard: Sendable {
    private let limit: RateLimit
    private let maximumAddresses: Int
    private let buckets = Mutex<[String: TokenBucket]>([:])

    /// - Parameter maximumAddresses: the most addresses tracked at once (at least 1).
    public init(limits: LimitsConfig, maximumAddresses: Int = 65536) {
        precondition(maximumAddresses >= 1, "the guard must track at least one address")
        limit = RateLimit(requestsPerSecond: Double(limits.malformedPerMinute) / 60, burst: limits.malformedBurst)
        self.maximumAddresses = maximumAddresses
    }

    /// Seconds until `address` may be served again, or `nil` if it may be served now. Reads only:
    /// every request asks, so this is one lookup under the lock and never writes the table.
    public func retryAfter(for address: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in buckets[address]?.retryAfter(at: now) }
    }

    /// Takes a token from `address`'s bucket (none is left to take once it is empty).
    public func recordMalformed(from address: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            if buckets[address] == nil, buckets.count >= maximumAddresses {
                evictBatch(from: &buckets, now: now)
            }
            _ = buckets[address, default: TokenBucket(limit: limit)].take(now: now)
        }
    }

    /// Keeps memory bounded at `maximumAddresses` without a pass over the whole table for every
    /// new address of a flood: one pass frees an eighth of the table (at least one entry), so the
    /// next eighth of new addresses insert without one. Buckets that have refilled are the same as
    /// no bucket and go first; then those closest to refilled, so that flooding from many addresses
    /// cannot wipe out the blocks on the worst ones.
    private func evictBatch(from buckets: inout [String: TokenBucket], now: ContinuousClock.Instant) {
        let target = maximumAddresses - max(1, maximumAddresses / 8)
        // Read into an array first: removing while iterating the dictionary would copy it.
        var byTokens = buckets.map { (address: $0.key, tokens: $0.value.tokens(at: now)) }
        byTokens.sort { $0.tokens > $1.tokens }
        let excess = buckets.count - target
        for (index, entry) in byTokens.enumerated() where index < excess || entry.tokens >= Double(limit.burst) {
            buckets[entry.address] = nil
        }
    }
}
