import GatewayCore
import Testing
@testable import UpstreamClient

/// The response cache stays within its byte budget, dropping expired answers first, then the oldest.
@Suite struct ResponseCacheTests {
    private static let now = ContinuousClock.now
    private static let later = now + .seconds(60)

    private static func answer(_ bytes: Int) -> TransferResult {
        .response(status: 200, body: [UInt8](repeating: 0x20, count: bytes))
    }

    /// What storing a `bytes`-long answer under `url` costs: the memory its body holds (its
    /// capacity, which the allocator may round up), the URL and the entry.
    private static func cost(_ bytes: Int, _ url: String) -> Int {
        [UInt8](repeating: 0x20, count: bytes).capacity + url.utf8.count + ResponseCache.entryOverhead
    }

    @Test func keepsAFreshAnswer() {
        var cache = ResponseCache(budget: 10_000)
        cache.store(Self.answer(100), for: "a", expires: Self.later, now: Self.now)
        #expect(cache.answer(for: "a", now: Self.now) != nil)
        #expect(cache.bytes == Self.cost(100, "a"))
        #expect(cache.answer(for: "a", now: Self.later) == nil, "expired")
        #expect(cache.bytes == 0)
    }

    @Test func oldestAnswersMakeRoomWithinTheBudget() {
        let budget = 4 * Self.cost(1000, "u0")
        var cache = ResponseCache(budget: budget)
        for index in 0..<10 {
            cache.store(Self.answer(1000), for: "u\(index)", expires: Self.later, now: Self.now)
            #expect(cache.bytes <= budget)
        }
        #expect(cache.answer(for: "u9", now: Self.now) != nil, "the newest is kept")
        #expect(cache.answer(for: "u0", now: Self.now) == nil, "the oldest is dropped")
    }

    @Test func expiredAnswersGoBeforeOlderFreshOnes() {
        // Room for three answers, with slack for an allocation the allocator rounds up further than
        // the one `cost` measured (a reused free chunk can be larger), but never for a fourth.
        let budget = 3 * Self.cost(1000, "short") + Self.cost(1000, "short") / 4
        var cache = ResponseCache(budget: budget)
        cache.store(Self.answer(1000), for: "old", expires: Self.later, now: Self.now)
        cache.store(Self.answer(1000), for: "short", expires: Self.now + .seconds(1), now: Self.now)
        cache.store(Self.answer(1000), for: "u2", expires: Self.later, now: Self.now)
        cache.store(Self.answer(1000), for: "u3", expires: Self.later, now: Self.now + .seconds(2))
        let now = Self.now + .seconds(2)
        #expect(cache.answer(for: "old", now: now) != nil)
        #expect(cache.answer(for: "u2", now: now) != nil)
        #expect(cache.answer(for: "u3", now: now) != nil)
        #expect(cache.bytes <= budget)
    }

    @Test func anAnswerLargerThanTheBudgetIsNotKept() {
        var cache = ResponseCache(budget: 1000)
        cache.store(Self.answer(2000), for: "big", expires: Self.later, now: Self.now)
        #expect(cache.answer(for: "big", now: Self.now) == nil)
        #expect(cache.bytes == 0)
    }

    @Test func replacingAnAnswerCountsItOnce() {
        var cache = ResponseCache(budget: 10_000)
        cache.store(Self.answer(100), for: "a", expires: Self.later, now: Self.now)
        cache.store(Self.answer(300), for: "a", expires: Self.later, now: Self.now)
        #expect(cache.bytes == Self.cost(300, "a"))
    }
}
