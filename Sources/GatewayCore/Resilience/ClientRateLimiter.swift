import Synchronization

/// Limits each API client to its own request rate: a token bucket per client id, from `limits`,
/// or from `defaultLimit` for clients not listed there. A client with neither is not limited.
///
/// Listed clients each have their own lock, so they never wait for each other; clients on the
/// default limit share one lock over a table that is kept at most `maximumClients` long by
/// forgetting buckets that have refilled (a full bucket is the same as none).
public final class ClientRateLimiter: Sendable {
    /// A listed client's bucket behind its own lock (a `Mutex` cannot be stored in a dictionary).
    private final class LockedBucket: Sendable {
        let bucket: Mutex<TokenBucket>
        init(_ limit: RateLimit) { bucket = Mutex(TokenBucket(limit: limit)) }
    }

    private let listed: [String: LockedBucket]
    public let defaultLimit: RateLimit?
    private let defaulted = Mutex<[String: TokenBucket]>([:])
    private let maximumClients: Int

    /// - Parameters:
    ///   - limits: client id → its limit.
    ///   - defaultLimit: the limit of clients not in `limits`; `nil` leaves them unlimited.
    ///   - maximumClients: a bound on the default-limited buckets kept at once.
    public init(limits: [String: RateLimit], default defaultLimit: RateLimit?, maximumClients: Int = 65536) {
        precondition(maximumClients >= 1, "the rate limiter must keep at least one client")
        listed = limits.mapValues(LockedBucket.init)
        self.defaultLimit = defaultLimit
        self.maximumClients = maximumClients
    }

    /// Takes one request's token from `client`'s bucket.
    /// - Parameter client: the authenticated client id (not an address or a header value).
    public func take(client: String, now: ContinuousClock.Instant = .now) -> RateDecision {
        if let locked = listed[client] {
            return locked.bucket.withLock { $0.take(now: now) }
        }
        guard let defaultLimit else { return .allowed }
        return defaulted.withLock { buckets in
            if buckets[client] == nil, buckets.count >= maximumClients {
                buckets = buckets.filter { _, bucket in
                    var bucket = bucket
                    return !bucket.isFull(now: now)
                }
                if buckets.count >= maximumClients, let any = buckets.keys.first {
                    buckets[any] = nil
                }
            }
            return buckets[client, default: TokenBucket(limit: defaultLimit)].take(now: now)
        }
    }
}
