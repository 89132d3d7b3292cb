/// The results of calls made together, filled in one by one as each call ends, in any order.
/// Whoever fills the last slot gets them all, in the calls' order, and is the one to pass them
/// on: the waiter is told exactly once, without anyone counting separately.
public struct GatheredResults<Element> {
    private var slots: [Element?]
    private var missing: Int

    public init(count: Int) {
        slots = Array(repeating: nil, count: count)
        missing = count
    }

    /// Fills slot `index`; returns every result once this was the last one missing.
    public mutating func fill(_ index: Int, with element: Element) -> [Element]? {
        precondition(slots[index] == nil, "result \(index) filled twice")
        slots[index] = element
        missing -= 1
        return missing == 0 ? slots.map { $0! } : nil
    }
}

extension GatheredResults: Sendable where Element: Sendable {}
