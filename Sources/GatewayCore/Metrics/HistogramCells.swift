import Synchronization

/// One histogram series: a count per bucket and the sum of the observations, each changed with
/// one atomic operation and no lock, so a resolved `Histogram.Series` observes without waiting.
///
/// The series' count is the sum of its buckets, so a scrape never shows a count that differs from
/// the `+Inf` bucket; the sum is updated after the bucket and may lag it by an observation that is
/// under way, as in every lock-free Prometheus client.
// @unchecked: `counts` points at `bucketCount` atomics that live as long as this object and are
// only used through their atomic operations.
final class HistogramCells: @unchecked Sendable {
    /// Upper bounds, ascending; the last count is for observations above all of them.
    let bounds: [Double]
    private let counts: UnsafeMutablePointer<Atomic<UInt64>>
    private let bucketCount: Int
    private let sumCell = MetricCell(shown: true)

    init(bounds: [Double]) {
        self.bounds = bounds
        bucketCount = bounds.count + 1
        counts = .allocate(capacity: bucketCount)
        for index in 0..<bucketCount { (counts + index).initialize(to: Atomic(0)) }
    }

    deinit {
        counts.deinitialize(count: bucketCount)
        counts.deallocate()
    }

    func observe(_ value: Double) {
        let bucket = bounds.firstIndex { value <= $0 } ?? bounds.count
        counts[bucket].wrappingAdd(1, ordering: .relaxed)
        sumCell.add(value)
    }

    /// Observations per bucket, not cumulative, the last above every bound.
    var bucketCounts: [UInt64] {
        (0..<bucketCount).map { counts[$0].load(ordering: .relaxed) }
    }

    var sum: Double {
        sumCell.value ?? 0
    }
}
