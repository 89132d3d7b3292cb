import Synchronization

/// The value of one counter or gauge series, changed with one atomic operation and no lock: what
/// a resolved handle (`Counter.Series`, `Counter.StatusSeries`) updates on the request path.
///
/// The value is a `Double` kept as its bit pattern; `absent`, a signalling NaN that no arithmetic
/// produces (it quiets NaNs), stands for a series that is not shown: a labelled series resolved
/// ahead of time appears in `/metrics` only once it is first updated, as one made by that update would.
final class MetricCell: Sendable {
    private static let absent: UInt64 = 0x7FF4_0000_0000_0001
    private let bits: Atomic<UInt64>

    /// - Parameter shown: shown from the start at 0 (the one series of a family without labels).
    init(shown: Bool) {
        bits = Atomic(shown ? 0.0.bitPattern : Self.absent)
    }

    /// The value, or `nil` while the series is not shown.
    var value: Double? {
        let current = bits.load(ordering: .relaxed)
        return current == Self.absent ? nil : Double(bitPattern: current)
    }

    /// Adds `amount`; a series not shown starts from 0 and is shown from now on.
    func add(_ amount: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = ((current == Self.absent ? 0 : Double(bitPattern: current)) + amount).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Sets the value; `nil` hides the series.
    func set(_ value: Double?) {
        bits.store(value.map(\.bitPattern) ?? Self.absent, ordering: .relaxed)
    }
}
