import Synchronization

/// A Prometheus histogram family with fixed buckets: per label set, how many observations fell
/// at or below each bucket's upper bound, their sum and their count.
/// Label values are given in the order of `labelNames`.
public final class Histogram: MetricFamily, Sendable {
    /// For request and call durations in seconds: 5 ms to 10 s.
    public static let secondsBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// For whole dossiers, in seconds: `secondsBuckets` with bounds at 2 s and 3 s, the default
    /// `deadline_ms`, so the p99-over-the-deadline alert (`deploy/prometheus/alerts.yaml`) reads a
    /// bucket bound rather than a guess between 2.5 s and 5 s.
    public static let dossierSecondsBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5, 10]
    /// For short disk operations such as fsync, in seconds: 0.5 ms to 1 s.
    public static let fastSecondsBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

    public let name: String
    public let help: String
    public let labelNames: [String]
    /// Upper bounds, ascending, without `+Inf` (which is always there).
    public let buckets: [Double]
    /// The one series of a family without labels, reached without the lock.
    private let unlabeled: HistogramCells?
    private let series: Mutex<[[String]: HistogramCells]>

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        PrometheusText.validate(name: name, labelNames: labelNames, reserved: ["le"])
        precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "\(name) needs finite bucket bounds")
        precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "\(name)'s buckets must be strictly ascending")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
        // A family without labels has exactly one series; it is shown from the start, empty.
        unlabeled = labelNames.isEmpty ? HistogramCells(bounds: buckets) : nil
        series = Mutex(unlabeled.map { [[]: $0] } ?? [:])
    }

    /// One series of the family, resolved: shown once it has an observation.
    public struct Series: Sendable {
        let cells: HistogramCells

        public func observe(_ value: Double) {
            cells.observe(value)
        }

        /// Counts a duration in seconds.
        public func observe(_ duration: Duration) {
            observe(duration / .seconds(1))
        }
    }

    /// The series of `labels`, resolved once for observations without a lookup.
    public func series(labels: [String]) -> Series {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        if let unlabeled { return Series(cells: unlabeled) }
        return Series(cells: series.withLock { series in
            if let cells = series[labels] { return cells }
            let cells = HistogramCells(bounds: buckets)
            series[labels] = cells
            return cells
        })
    }

    /// Counts `value` in the series of `labels`.
    public func observe(_ value: Double, labels: [String] = []) {
        series(labels: labels).observe(value)
    }

    /// Counts a duration in seconds.
    public func observe(_ duration: Duration, labels: [String] = []) {
        series(labels: labels).observe(duration)
    }

    /// The series' count and sum of observations; zeros for one never observed.
    public func totals(labels: [String] = []) -> (count: UInt64, sum: Double) {
        series.withLock { $0[labels] }.map { ($0.bucketCounts.reduce(0, +), $0.sum) } ?? (0, 0)
    }

    func render(into output: inout String) {
        let snapshot = series.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: "histogram")
        for (labels, cells) in PrometheusText.sorted(snapshot) {
            let counts = cells.bucketCounts
            let count = counts.reduce(0, +)
            // A labelled series resolved ahead of time is shown once observed.
            guard count > 0 || labels.isEmpty else { continue }
            var cumulative: UInt64 = 0
            for (index, bound) in buckets.enumerated() {
                cumulative += counts[index]
                output += name + "_bucket" + PrometheusText.labels(labelNames, labels, extra: ("le", PrometheusText.format(bound)))
                    + " " + String(cumulative) + "\n"
            }
            output += name + "_bucket" + PrometheusText.labels(labelNames, labels, extra: ("le", "+Inf")) + " " + String(count) + "\n"
            output += name + "_sum" + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(cells.sum) + "\n"
            output += name + "_count" + PrometheusText.labels(labelNames, labels) + " " + String(count) + "\n"
        }
    }
}

