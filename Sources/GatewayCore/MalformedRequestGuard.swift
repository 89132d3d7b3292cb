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

    public init(limits: LimitsConfig, maximumAddresses: Int = 65536) {
        burst = Double(limits.malformedBurst)
        perSecond = Double(limits.malformedPerMinute) / 60
        self.maximumAddresses = maximumAddresses
    }

    /// Seconds until `address` may be served again, or `nil` if it may be served now.
    public func retryAfter(for address: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            guard var bucket = buckets[address] else { return nil }
            refill(&bucket, now: now)
            buckets[address] = bucket
            guard bucket.tokens < 1 else { return nil }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Takes a token from `address`'s bucket.
    public func recordMalformed(from address: String, now: ContinuousClock.Instant = .now) {
        buckets.withLock { buckets in
            var bucket = buckets[address] ?? Bucket(tokens: burst, updated: now)
            refill(&bucket, now: now)
            bucket.tokens = max(0, bucket.tokens - 1)
            if buckets[address] == nil, buckets.count >= maximumAddresses {
                forgetFullBuckets(in: &buckets, now: now)
            }
            buckets[address] = bucket
        }
    }

    private func refill(_ bucket: inout Bucket, now: ContinuousClock.Instant) {
        let elapsed = bucket.updated.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
        bucket.updated = now
    }

    /// Keeps memory bounded: buckets that have refilled are the same as no bucket; if every
    /// address is still in debt, the one closest to refilled goes, so that flooding from many
    /// addresses cannot wipe out the blocks on the worst ones.
    private func forgetFullBuckets(in buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        for (address, var bucket) in buckets {
            refill(&bucket, now: now)
            buckets[address] = bucket.tokens >= burst ? nil : bucket
        }
        if buckets.count >= maximumAddresses, let fullest = buckets.max(by: { $0.value.tokens < $1.value.tokens })?.key {
            buckets[fullest] = nil
        }
    }
}
