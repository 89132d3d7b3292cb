/// A Prometheus gauge family: a value per label set that is set, or goes up and down.
/// Label values are given in the order of `labelNames`.
public final class Gauge: LabeledFamily, Sendable {
    let series: LabeledValues

    init(name: String, help: String, labelNames: [String]) {
        series = LabeledValues(name: name, help: help, labelNames: labelNames, type: "gauge")
    }

    public func set(_ value: Double, labels: [String] = []) {
        series.update(labels) { $0 = value }
    }

    public func increment(by amount: Double = 1, labels: [String] = []) {
        series.update(labels) { $0 = ($0 ?? 0) + amount }
    }

    public func decrement(by amount: Double = 1, labels: [String] = []) {
        increment(by: -amount, labels: labels)
    }

    /// Drops the series of `labels` from the output, e.g. when its value cannot be read.
    public func remove(labels: [String] = []) {
        series.update(labels) { $0 = nil }
    }

    /// The series' current value, or `nil` if it is not shown.
    public func value(labels: [String] = []) -> Double? {
        series.value(labels)
    }
}
