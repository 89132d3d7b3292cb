import Testing
import GatewayCore

/// All tests use simulated instants relative to one start, never the wall clock.
private let start = ContinuousClock.now

private func at(_ seconds: Double) -> ContinuousClock.Instant {
    start + .milliseconds(Int64((seconds * 1000).rounded()))
}

private func guardWith(burst: Int, perMinute: Int, maximumAddresses: Int = 65536) -> MalformedRequestGuard {
    MalformedRequestGuard(limits: LimitsConfig(malformedBurst: burst, malformedPerMinute: perMinute),
                          maximumAddresses: maximumAddresses)
}

struct MalformedRequestGuardTests {
    /// An address that never sent a malformed request is served.
    @Test func unknownAddressIsServed() {
        let limiter = guardWith(burst: 2, perMinute: 60)
        #expect(limiter.retryAfter(for: "192.0.2.1", now: at(0)) == nil)
        #expect(limiter.retryAfter(for: "", now: at(0)) == nil)
    }

    /// An address is served until it has spent its whole burst, then refused with Retry-After ≥ 1.
    @Test(arguments: [1, 2, 5, 50])
    func blockedAfterBurst(_ burst: Int) throws {
        let limiter = guardWith(burst: burst, perMinute: 60)
        for index in 0..<burst {
            #expect(limiter.retryAfter(for: "192.0.2.1", now: at(0)) == nil, "after \(index) recordings")
            limiter.recordMalformed(from: "192.0.2.1", now: at(0))
        }
        let retry = try #require(limiter.retryAfter(for: "192.0.2.1", now: at(0)))
        #expect(retry >= 1)
    }

    /// One address's malformed requests do not affect any other address.
    @Test func otherAddressesUnaffected() {
        let limiter = guardWith(burst: 2, perMinute: 60)
        limiter.recordMalformed(from: "192.0.2.1", now: at(0))
        limiter.recordMalformed(from: "192.0.2.1", now: at(0))
        #expect(limiter.retryAfter(for: "192.0.2.1", now: at(0)) != nil)
        #expect(limiter.retryAfter(for: "192.0.2.2", now: at(0)) == nil)
        #expect(limiter.retryAfter(for: "192.0.2.10", now: at(0)) == nil)
        limiter.recordMalformed(from: "192.0.2.2", now: at(0))
        #expect(limiter.retryAfter(for: "192.0.2.2", now: at(0)) == nil)
    }

    /// Retry-After is the whole seconds until one token is back: ⌈60 / per-minute⌉ from an empty bucket.
    @Test(arguments: [
        (2, 60, 1),
        (2, 120, 1),
        (2, 30, 2),
        (50, 50, 2),
        (3, 20, 3),
        (1, 1, 60),
        (10, 6, 10),
    ])
    func retryAfterMatchesRefillRate(_ burst: Int, _ perMinute: Int, _ expected: Int) {
        let limiter = guardWith(burst: burst, perMinute: perMinute)
        for _ in 0..<burst { limiter.recordMalformed(from: "198.51.100.7", now: at(0)) }
        #expect(limiter.retryAfter(for: "198.51.100.7", now: at(0)) == expected)
    }

    /// Retry-After counts down as simulated time passes, and the address is served once a token is back.
    @Test func countsDownAndUnblocks() {
        let limiter = guardWith(burst: 1, perMinute: 6) // one token per 10 s
        limiter.recordMalformed(from: "203.0.113.5", now: at(0))
        #expect(limiter.retryAfter(for: "203.0.113.5", now: at(0)) == 10)
        #expect(limiter.retryAfter(for: "203.0.113.5", now: at(4)) == 6)
        #expect(limiter.retryAfter(for: "203.0.113.5", now: at(9.5)) == 1)
        #expect(limiter.retryAfter(for: "203.0.113.5", now: at(10.5)) == nil)
        #expect(limiter.retryAfter(for: "203.0.113.5", now: at(60)) == nil)
    }

    /// After a full minute at the per-minute rate the whole burst is back, but never more than the burst.
    @Test func refillIsCappedAtBurst() {
        let limiter = guardWith(burst: 3, perMinute: 60)
        for _ in 0..<3 { limiter.recordMalformed(from: "a", now: at(0)) }
        #expect(limiter.retryAfter(for: "a", now: at(0)) != nil)
        #expect(limiter.retryAfter(for: "a", now: at(3600)) == nil)
        // An hour idle refills 3 tokens, not 3600: the fourth recording blocks again.
        for _ in 0..<3 {
            #expect(limiter.retryAfter(for: "a", now: at(3600)) == nil)
            limiter.recordMalformed(from: "a", now: at(3600))
        }
        #expect(limiter.retryAfter(for: "a", now: at(3600)) == 1)
    }

    /// Recording more while blocked does not dig a deeper hole: one token's refill time still unblocks.
    @Test func recordingWhileBlockedDoesNotGoNegative() {
        let limiter = guardWith(burst: 2, perMinute: 60)
        for _ in 0..<100 { limiter.recordMalformed(from: "a", now: at(0)) }
        #expect(limiter.retryAfter(for: "a", now: at(0)) == 1)
        #expect(limiter.retryAfter(for: "a", now: at(1)) == nil)
    }

    /// Partial refill: tokens accrue continuously, so spending one right after it returns blocks again.
    @Test func partialRefill() {
        let limiter = guardWith(burst: 2, perMinute: 60)
        limiter.recordMalformed(from: "a", now: at(0))
        limiter.recordMalformed(from: "a", now: at(0))
        #expect(limiter.retryAfter(for: "a", now: at(0.5)) == 1)
        #expect(limiter.retryAfter(for: "a", now: at(1)) == nil)
        limiter.recordMalformed(from: "a", now: at(1))
        #expect(limiter.retryAfter(for: "a", now: at(1)) == 1)
        #expect(limiter.retryAfter(for: "a", now: at(2)) == nil)
    }

    /// With far more addresses than `maximumAddresses`, nothing crashes, memory stays bounded (old entries
    /// are forgotten) and the most recent blocked address is still tracked.
    @Test func boundedAddressTable() {
        let limiter = guardWith(burst: 1, perMinute: 60, maximumAddresses: 4)
        let addresses = (0..<100).map { "10.0.\($0 / 256).\($0 % 256)" }
        for address in addresses {
            limiter.recordMalformed(from: address, now: at(0))
            #expect(limiter.retryAfter(for: address, now: at(0)) == 1, "\(address) just spent its only token")
        }
        let stillBlocked = addresses.filter { limiter.retryAfter(for: $0, now: at(0)) != nil }
        #expect(stillBlocked.count <= 4)
        #expect(stillBlocked.contains(addresses.last!))
        #expect(limiter.retryAfter(for: "10.9.9.9", now: at(0)) == nil)
        // A new offender after the flood is still tracked and refused.
        limiter.recordMalformed(from: "10.9.9.9", now: at(0))
        #expect(limiter.retryAfter(for: "10.9.9.9", now: at(0)) == 1)
        // And everything recovers with time.
        #expect(addresses.allSatisfy { limiter.retryAfter(for: $0, now: at(2)) == nil })
    }

    /// When the table is full, refilled buckets are forgotten first, so a blocked address stays blocked.
    @Test func evictsRefilledBucketsBeforeBlockedOnes() {
        let limiter = guardWith(burst: 2, perMinute: 60, maximumAddresses: 4)
        for address in ["old1", "old2", "old3"] { limiter.recordMalformed(from: address, now: at(0)) }
        limiter.recordMalformed(from: "offender", now: at(5))
        limiter.recordMalformed(from: "offender", now: at(5))
        #expect(limiter.retryAfter(for: "offender", now: at(5)) == 1)
        // The table is full (4); a fifth address forces eviction of the three refilled buckets only.
        limiter.recordMalformed(from: "newcomer", now: at(5))
        #expect(limiter.retryAfter(for: "offender", now: at(5)) == 1)
        #expect(limiter.retryAfter(for: "newcomer", now: at(5)) == nil)
        limiter.recordMalformed(from: "newcomer", now: at(5))
        #expect(limiter.retryAfter(for: "newcomer", now: at(5)) == 1)
    }

    /// A full table frees an eighth of itself at once, the entries closest to refilled first, so the next new
    /// addresses insert without another pass; the most indebted addresses stay blocked throughout.
    @Test func evictsABatchClosestToRefilled() throws {
        let limiter = guardWith(burst: 1, perMinute: 6, maximumAddresses: 16) // a token per 10 s
        let addresses = (0..<16).map { "192.0.2.\($0)" }
        // Address i is blocked at i/2 s, so at 8 s the earliest ones are closest to refilled (none is yet).
        for (index, address) in addresses.enumerated() { limiter.recordMalformed(from: address, now: at(Double(index) / 2)) }
        #expect(addresses.allSatisfy { limiter.retryAfter(for: $0, now: at(8)) != nil })
        limiter.recordMalformed(from: "198.51.100.1", now: at(8))
        #expect(addresses.filter { limiter.retryAfter(for: $0, now: at(8)) == nil } == Array(addresses.prefix(2)))
        // One slot is still free after the batch: the next newcomer evicts nothing.
        limiter.recordMalformed(from: "198.51.100.2", now: at(8))
        #expect(addresses.filter { limiter.retryAfter(for: $0, now: at(8)) == nil } == Array(addresses.prefix(2)))
        // The table is full again: the next pass takes the next two closest to refilled.
        limiter.recordMalformed(from: "198.51.100.3", now: at(8))
        #expect(addresses.filter { limiter.retryAfter(for: $0, now: at(8)) == nil } == Array(addresses.prefix(4)))
        for newcomer in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
            #expect(limiter.retryAfter(for: newcomer, now: at(8)) == 10)
        }
    }

    /// The bound holds under a flood of distinct addresses, and the flood stays cheap: a full table does not cost
    /// a pass over every entry for each new address (100,000 addresses through a 65,536 table, not minutes of work).
    @Test(.timeLimit(.minutes(1)))
    func floodOfAddressesStaysBoundedAndCheap() {
        let limiter = guardWith(burst: 1, perMinute: 1)
        let flood = (0..<100_000).map { "10.\($0 >> 16).\(($0 >> 8) & 255).\($0 & 255)" }
        for address in flood { limiter.recordMalformed(from: address, now: at(0)) }
        #expect(flood.filter { limiter.retryAfter(for: $0, now: at(0)) != nil }.count <= 65536)
        #expect(limiter.retryAfter(for: flood.last!, now: at(0)) == 60)
    }

    /// Concurrent recordings from many tasks are all counted (the table is guarded by a lock).
    @Test func concurrentRecordingsAreCounted() async {
        let limiter = guardWith(burst: 200, perMinute: 1)
        let instant = at(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<199 {
                group.addTask { limiter.recordMalformed(from: "a", now: instant) }
            }
        }
        #expect(limiter.retryAfter(for: "a", now: instant) == nil)
        limiter.recordMalformed(from: "a", now: instant)
        #expect(limiter.retryAfter(for: "a", now: instant) == 60)
    }
}
