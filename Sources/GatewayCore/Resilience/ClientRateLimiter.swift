import Synchronization

/// Limits each API client to its own request rate: a token bucket per configured client, each
/// behind its own lock, so clients never wait for each other. A client without a limit (none of
/// its own and no default in the config) is not limited.
public final class ClientRateLimiter: Sendable {
    /// A client's bucket behind its own lock (a `Mutex` cannot be stored in a dictionary).
    private final class LockedBucket: Sendable {
        let limit: RateLimit
        let bucket: Mutex<TokenBucket>

        init(_ limit: RateLimit) {
            self.limit = limit
            bucket = Mutex(TokenBucket(limit: limit))
        }
    }

    private let buckets: [String: LockedBucket]

    /// - Parameters:
    ///   - limits: client id → its limit (its own, or the config's default).
    ///   - previous: the limiter of the config being replaced: a client whose limit is unchanged
    ///     keeps its bucket, so a reload does not hand every client a fresh burst.
    public init(limits: [String: RateLimit], keeping previous: ClientRateLimiter? = nil) {
        buckets = limits.reduce(into: [:]) { buckets, entry in
            let (client, limit) = entry
            if let kept = previous?.buckets[client], kept.limit == limit {
                buckets[client] = kept
            } else {
                buckets[client] = LockedBucket(limit)
            }
        }
    }

    /// Takes one request's token from `client`'s bucket.
    /// - Parameter client: the authenticated client id (not an address or a header value).
    public func take(client: String, now: ContinuousClock.Instant = .now) -> RateDecision {
        guard let locked = buckets[client] else { return .allowed }
        return locked.bucket.withLock { $0.take(now: now) }
    }
}
