/// Calls and failures of the last `window`, kept in a fixed ring of time slots so memory does not
/// grow with traffic. The window moves in steps of one slot (`window / slotCount`), so a call is
/// forgotten between `window - window/slotCount` and `window` after it was recorded.
struct FailureWindow: Sendable {
    private struct Slot {
        /// Which slot-width step since `origin` this slot holds; `Int64.min` when never used.
        var step = Int64.min
        var calls = 0
        var failures = 0
    }

    private let origin: ContinuousClock.Instant
    private let slotWidth: Duration
    private var slots: [Slot]

    init(window: Duration, slotCount: Int = 10, origin: ContinuousClock.Instant) {
        precondition(window > .zero && slotCount >= 1, "a failure window needs a positive length and at least one slot")
        self.origin = origin
        slotWidth = window / slotCount
        slots = Array(repeating: Slot(), count: slotCount)
    }

    mutating func record(failure: Bool, at now: ContinuousClock.Instant) {
        let step = step(at: now)
        let index = slotIndex(step)
        if slots[index].step < step {
            slots[index] = Slot(step: step)
        } else if slots[index].step > step {
            return  // older than the whole window: a late report from a thread that read the clock long ago
        }
        slots[index].calls += 1
        if failure { slots[index].failures += 1 }
    }

    /// Calls and failures recorded within the window that ends at `now`.
    func totals(at now: ContinuousClock.Instant) -> (calls: Int, failures: Int) {
        let oldest = step(at: now) - Int64(slots.count) + 1
        var calls = 0, failures = 0
        for slot in slots where slot.step >= oldest {
            calls += slot.calls
            failures += slot.failures
        }
        return (calls, failures)
    }

    mutating func reset() {
        for index in slots.indices { slots[index] = Slot() }
    }

    private func step(at now: ContinuousClock.Instant) -> Int64 {
        Int64((origin.duration(to: now) / slotWidth).rounded(.down))
    }

    private func slotIndex(_ step: Int64) -> Int {
        let count = Int64(slots.count)
        return Int((step % count + count) % count)
    }
}
