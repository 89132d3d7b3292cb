import Synchronization

/// The series of a counter whose last label is an HTTP status (`{route,status}`,
/// `{client,route,status}`), with the other labels fixed: a route's or a client's answers.
///
/// The statuses an answer can have are not listed anywhere, so each is resolved the first time it
/// is counted and remembered in a slot; from then on counting it reads the slots in
/// order (the first status seen, usually 200, comes first) and adds atomically, without a lock or
/// a lookup. A handle that meets more statuses than it has slots (16) counts the others through the
/// family's lock, as an unresolved update would.
// @unchecked: `statuses` and `cells` are atomics; a slot's cell is stored before its status is
// published (releasing), and read only after the status was read (acquiring). Slots are filled
// while holding `filling`. The cells are the family's own, which keeps every counter cell it makes.
public final class StatusSeries: @unchecked Sendable {
    /// Room for the statuses a route or client answers with (a dossier route has about ten).
    private typealias Slots<Element: ~Copyable> = InlineArray<16, Element>

    private let family: LabeledValues
    private let labels: [String]
    /// The status of each filled slot; 0 past the last one.
    private let statuses: Slots<Atomic<Int>> = Slots { _ in Atomic(0) }
    private let cells: Slots<Atomic<Unmanaged<MetricCell>?>> = Slots { _ in Atomic(nil) }
    private let filling = Mutex(0)

    init(_ family: LabeledValues, labels: [String]) {
        self.family = family
        self.labels = labels
    }

    /// Counts one answer with `status`.
    public func increment(status: Int) {
        precondition(status > 0, "an HTTP status is positive")
        cell(for: status).add(1)
    }

    private func cell(for status: Int) -> MetricCell {
        for slot in statuses.indices {
            let filled = statuses[slot].load(ordering: .acquiring)
            if filled == status { return cells[slot].load(ordering: .relaxed)!.takeUnretainedValue() }
            if filled == 0 { break }
        }
        return filling.withLock { count in
            let cell = family.cell(labels + [String(status)])
            // Another thread may have filled it meanwhile: then it is in a slot already.
            guard count < statuses.count, !(0..<count).contains(where: { statuses[$0].load(ordering: .relaxed) == status }) else {
                return cell
            }
            cells[count].store(Unmanaged.passUnretained(cell), ordering: .relaxed)
            statuses[count].store(status, ordering: .releasing)
            count += 1
            return cell
        }
    }
}
