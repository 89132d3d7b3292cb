import GatewayCore

/// Recent successful answers of sources that allow caching, by URL, within a byte budget.
struct ResponseCache {
    /// What all cached answers may hold together. A limit on the number of entries would not
    /// bound memory: each answer may be as large as its source's `max_response_bytes` (1 MiB by
    /// default), so 10,000 entries could hold 10 GiB. 64 MiB keeps thousands of typical answers
    /// (a few KiB each) and still leaves the gateway well within its memory at full load.
    static let defaultBudget = 64 << 20
    /// What an entry costs besides its body and URL (its slot, result and bookkeeping), so that
    /// many empty answers are bounded too.
    static let entryOverhead = 128

    private struct Entry {
        let result: TransferResult
        let cost: Int
        let expires: ContinuousClock.Instant
        /// Order of storing, for dropping the oldest first.
        let sequence: Int
    }

    let budget: Int
    /// What the entries cost together; never above `budget`.
    private(set) var bytes = 0
    private var entries: [String: Entry] = [:]
    private var stored = 0

    init(budget: Int = defaultBudget) {
        self.budget = budget
    }

    /// The answer kept for `url` while it is fresh; an expired one is dropped.
    mutating func answer(for url: String, now: ContinuousClock.Instant = .now) -> TransferResult? {
        guard let entry = entries[url] else { return nil }
        guard entry.expires > now else {
            remove(url)
            return nil
        }
        return entry.result
    }

    /// Keeps `result` for `url` until `expires`. Room is made by dropping expired answers first,
    /// then the oldest; an answer larger than the whole budget is not kept.
    mutating func store(_ result: TransferResult, for url: String, expires: ContinuousClock.Instant,
                        now: ContinuousClock.Instant = .now) {
        // The body's capacity, not its count: it grew by appending and may hold up to twice its bytes.
        let bodyBytes = if case .response(_, let body) = result { body.capacity } else { 0 }
        let cost = bodyBytes + url.utf8.count + Self.entryOverhead
        guard cost <= budget else { return }
        remove(url)
        if bytes + cost > budget { makeRoom(for: cost, now: now) }
        stored += 1
        entries[url] = Entry(result: result, cost: cost, expires: expires, sequence: stored)
        bytes += cost
    }

    private mutating func makeRoom(for cost: Int, now: ContinuousClock.Instant) {
        for (url, entry) in entries where entry.expires <= now { remove(url) }
        guard bytes + cost > budget else { return }
        // Down to three quarters of the budget, so that a full cache sorts its entries once per
        // many stores, not on every one.
        let target = budget * 3 / 4 - cost
        for (url, _) in entries.sorted(by: { $0.value.sequence < $1.value.sequence }) where bytes > target {
            remove(url)
        }
    }

    private mutating func remove(_ url: String) {
        if let entry = entries.removeValue(forKey: url) { bytes -= entry.cost }
    }
}
