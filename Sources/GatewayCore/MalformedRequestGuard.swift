import Synchronization

/// Makes floods of malformed requests cheap: each address has a bucket of `burst` tokens,
/// refilled at `perMinute`; every malformed (4xx) request takes one, and an address with an
/// empty bucket gets 429 without further work until a token is back.
public final class MalformedRequestGuard: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let burst: Double
    private let perSecond: Double
    private let maximumAddresses: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameter maximumAddresses: the most addresses tracked at once (at least 1).
    public init(limits: LimitsConfig, maximumAddresses: Int = 65536) {
        precondition(maximumAddresses >= 1, "the guard must track at least one address")
        burst = Double(limits.malformedBurst)
        perSecond = Double(limits.malformedPerMinute) / 60
        self.maximumAddresses = maximumAddresses
    }

    /// Seconds until `address` may be served again, or `nil` if it may be served now. Reads only:
    /// every request asks, so this is one lookup under the lock and never writes the table.
    public func retryAfter(for address: String, now: ContinuousClock.Instant = .now) -> Int? {
        let tokens = buckets.withLock { buckets in buckets[address].map { self.tokens(of: $0, at: now) } }
        guard let tokens, tokens < 1 else { return nil }
        return max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
    }

    /// Takes a token from `address`'s bucket.
    public func recordMalformed(from address: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            let known = buckets[address]
            if known == nil, buckets.count >= maximumAddresses {
                evictBatch(from: &buckets, now: now)
            }
            let tokens = known.map { self.tokens(of: $0, at: now) } ?? burst
            // Threads read the clock before taking the lock, so `now` may be a little behind `updated`.
            buckets[address] = Bucket(tokens: max(0, tokens - 1), updated: max(now, known?.updated ?? now))
        }
    }

    /// The tokens `bucket` holds at `now`: what it had, refilled since, never more than `burst`.
    private func tokens(of bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return min(burst, bucket.tokens + max(0, seconds) * perSecond)
    }

    /// Keeps memory bounded at `maximumAddresses` without a pass over the whole table for every
    /// new address of a flood: one pass frees an eighth of the table (at least one entry), so the
    /// next eighth of new addresses insert without one. Buckets that have refilled are the same as
    /// no bucket and go first; then those closest to refilled, so that flooding from many addresses
    /// cannot wipe out the blocks on the worst ones.
    private func evictBatch(from buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let target = maximumAddresses - max(1, maximumAddresses / 8)
        // Read into an array first: removing while iterating the dictionary would copy it.
        var byTokens = buckets.map { (address: $0.key, tokens: tokens(of: $0.value, at: now)) }
        byTokens.sort { $0.tokens > $1.tokens }
        let excess = buckets.count - target
        for (index, entry) in byTokens.enumerated() where index < excess || entry.tokens >= burst {
            buckets[entry.address] = nil
        }
    }
}
