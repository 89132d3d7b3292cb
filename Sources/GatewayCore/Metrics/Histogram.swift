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

    private struct Series {
        /// Observations per bucket, not cumulative; the last element counts those above every bound.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func add(_ value: Double, bucket: Int) {
            counts[bucket] += 1
            sum += value
            count += 1
        }
    }

    public let name: String
    public let help: String
    public let labelNames: [String]
    /// Upper bounds, ascending, without `+Inf` (which is always there).
    public let buckets: [Double]
    private let series: Mutex<[[String]: Series]>

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        PrometheusText.validate(name: name, labelNames: labelNames, reserved: ["le"])
        precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "\(name) needs finite bucket bounds")
        precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "\(name)'s buckets must be strictly ascending")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
        let empty = Series(counts: Array(repeating: 0, count: buckets.count + 1))
        // A family without labels has exactly one series; it is shown from the start, empty.
        series = Mutex(labelNames.isEmpty ? [[]: empty] : [:])
    }

    /// Counts `value` in the series of `labels`.
    public func observe(_ value: Double, labels: [String] = []) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        let bucket = buckets.firstIndex { value <= $0 } ?? buckets.count
        series.withLock { series in
            series[labels, default: Series(counts: Array(repeating: 0, count: buckets.count + 1))].add(value, bucket: bucket)
        }
    }

    /// Counts a duration in seconds.
    public func observe(_ duration: Duration, labels: [String] = []) {
        observe(duration / .seconds(1), labels: labels)
    }

    /// The series' count and sum of observations; zeros for one never observed.
    public func totals(labels: [String] = []) -> (count: UInt64, sum: Double) {
        series.withLock { series in series[labels].map { ($0.count, $0.sum) } ?? (0, 0) }
    }

    func render(into output: inout String) {
        let snapshot = series.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: "histogram")
        for (labels, series) in PrometheusText.sorted(snapshot) {
            var cumulative: UInt64 = 0
            for (index, bound) in buckets.enumerated() {
                cumulative += series.counts[index]
                output += name + "_bucket" + PrometheusText.labels(labelNames, labels, extra: ("le", PrometheusText.format(bound)))
                    + " " + String(cumulative) + "\n"
            }
            output += name + "_bucket" + PrometheusText.labels(labelNames, labels, extra: ("le", "+Inf")) + " " + String(series.count) + "\n"
            output += name + "_sum" + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(series.sum) + "\n"
            output += name + "_count" + PrometheusText.labels(labelNames, labels) + " " + String(series.count) + "\n"
        }
    }
}

