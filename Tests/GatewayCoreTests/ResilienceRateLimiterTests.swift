import Testing
import GatewayCore

/// All tests use simulated instants relative to one start, never the wall clock.
private let start = ContinuousClock.now

private func at(_ seconds: Double) -> ContinuousClock.Instant {
    start + .milliseconds(Int64((seconds * 1000).rounded()))
}

struct ResilienceRateLimiterTests {
    /// A client may make `burst` requests at once; the next is limited until one token is back.
    @Test(arguments: [
        (RateLimit(requestsPerSecond: 1, burst: 3), 1),
        (RateLimit(requestsPerSecond: 0.5, burst: 1), 2),
        (RateLimit(requestsPerSecond: 0.1, burst: 2), 10),
        (RateLimit(requestsPerSecond: 10, burst: 5), 1),
        (RateLimit(requestsPerSecond: 0.3, burst: 1), 4),
    ])
    func burstThenLimited(_ limit: RateLimit, _ retryAfter: Int) {
        let limiter = ClientRateLimiter(limits: ["desk": limit])
        for index in 0..<limit.burst {
            #expect(limiter.take(client: "desk", now: at(0)) == .allowed, "request \(index)")
        }
        #expect(limiter.take(client: "desk", now: at(0)) == .limited(retryAfter: retryAfter))
    }

    /// Tokens come back at the configured rate, never beyond the burst.
    @Test func refillsUpToBurst() {
        let limiter = ClientRateLimiter(limits: ["desk": RateLimit(requestsPerSecond: 2, burst: 2)])
        let script: [(Double, RateDecision)] = [
            (0, .allowed), (0, .allowed), (0, .limited(retryAfter: 1)),
            (0.5, .allowed), (0.5, .limited(retryAfter: 1)),
            (10, .allowed), (10, .allowed), (10, .limited(retryAfter: 1)),
        ]
        for (seconds, decision) in script {
            #expect(limiter.take(client: "desk", now: at(seconds)) == decision, "at \(seconds) s")
        }
    }

    /// `retryAfter` shrinks as the bucket refills and is never below one second.
    @Test(arguments: [(0.0, 4), (1.0, 3), (2.5, 2), (3.5, 1), (3.99, 1)])
    func retryAfterCountsDown(_ seconds: Double, _ retryAfter: Int) {
        let limiter = ClientRateLimiter(limits: ["desk": RateLimit(requestsPerSecond: 0.25, burst: 1)])
        #expect(limiter.take(client: "desk", now: at(0)) == .allowed)
        #expect(limiter.take(client: "desk", now: at(seconds)) == .limited(retryAfter: retryAfter))
    }

    /// Each client has its own bucket: one client's flood does not limit another; a client
    /// without a limit is not limited.
    @Test func clientsAreIndependent() {
        let limit = RateLimit(requestsPerSecond: 1, burst: 1)
        let limiter = ClientRateLimiter(limits: ["desk": limit, "registry": limit])
        #expect(limiter.take(client: "desk", now: at(0)) == .allowed)
        #expect(limiter.take(client: "desk", now: at(0)) == .limited(retryAfter: 1))
        #expect(limiter.take(client: "registry", now: at(0)) == .allowed)
        #expect(limiter.take(client: "registry", now: at(0)) == .limited(retryAfter: 1))
        for _ in 0..<1000 { #expect(limiter.take(client: "unlimited", now: at(0)) == .allowed) }
    }

    /// A reload keeps the bucket (and the debt) of a client whose limit did not change, and
    /// gives a fresh one to a client whose limit did.
    @Test func reloadKeepsUnchangedBuckets() {
        let slow = RateLimit(requestsPerSecond: 0.1, burst: 1)
        let before = ClientRateLimiter(limits: ["desk": slow, "registry": slow])
        #expect(before.take(client: "desk", now: at(0)) == .allowed)
        #expect(before.take(client: "registry", now: at(0)) == .allowed)
        let after = ClientRateLimiter(limits: ["desk": slow, "registry": RateLimit(requestsPerSecond: 0.1, burst: 2)], keeping: before)
        #expect(after.take(client: "desk", now: at(1)) == .limited(retryAfter: 9))
        #expect(after.take(client: "registry", now: at(1)) == .allowed)
    }

    /// A clock read that arrives slightly out of order neither adds nor removes tokens.
    @Test func earlierInstantIsHarmless() {
        var bucket = TokenBucket(limit: RateLimit(requestsPerSecond: 1, burst: 1))
        #expect(bucket.take(now: at(1)) == .allowed)
        #expect(bucket.take(now: at(0.5)) == .limited(retryAfter: 1))
        #expect(bucket.take(now: at(2)) == .allowed)
    }

    /// The slowest accepted rate waits an hour; a rate far below it (built in code, past the config's check) does not
    /// trap converting its wait to an Int but gives the longest Retry-After.
    @Test(arguments: [(RateLimit.minimumRequestsPerSecond, 3600), (1e-20, 3600), (1e-300, 3600), (0.001, 1000)])
    func tinyRatesGiveBoundedRetryAfter(_ rate: Double, _ retryAfter: Int) {
        var bucket = TokenBucket(limit: RateLimit(requestsPerSecond: rate, burst: 1))
        #expect(bucket.take(now: at(0)) == .allowed)
        #expect(bucket.take(now: at(0)) == .limited(retryAfter: retryAfter))
        guard case .limited(let later) = bucket.take(now: at(1)) else {
            Issue.record("a second later the bucket must still be empty")
            return
        }
        #expect((retryAfter - 1...retryAfter).contains(later))
    }

    /// Many tasks taking tokens at the same instant get exactly the burst between them.
    @Test func concurrentTakesShareTheBurst() async {
        let limiter = ClientRateLimiter(limits: ["desk": RateLimit(requestsPerSecond: 1, burst: 100),
                                                 "audit": RateLimit(requestsPerSecond: 1, burst: 50)])
        let now = at(0)
        let allowed = await withTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    (0..<40).reduce(0) { sum, _ in
                        sum + (limiter.take(client: task.isMultiple(of: 2) ? "desk" : "audit", now: now) == .allowed ? 1 : 0)
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 150)
    }
}
