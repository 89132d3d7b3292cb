/// The results of calls made together, filled in one by one as each call ends, in any order.
/// Whoever fills the last slot gets them all, in the calls' order, and is the one to pass them
/// on: the waiter is told exactly once, without anyone counting separately.
///
/// Inlinable, so that the transfer thread, which fills one slot per upstream call, runs code
/// specialized for its element type rather than the generic version.
public struct GatheredResults<Element> {
    @usableFromInline var slots: [Element?]
    @usableFromInline var missing: Int

    @inlinable
    public init(count: Int) {
        slots = Array(repeating: nil, count: count)
        missing = count
    }

    /// Fills slot `index`; returns every result once this was the last one missing.
    @inlinable
    public mutating func fill(_ index: Int, with element: Element) -> [Element]? {
        precondition(slots[index] == nil, "result \(index) filled twice")
        slots[index] = element
        missing -= 1
        return missing == 0 ? slots.map { $0! } : nil
    }
}

extension GatheredResults: Sendable where Element: Sendable {}
