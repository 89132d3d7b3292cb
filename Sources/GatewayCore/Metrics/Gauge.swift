import Synchronization

/// A Prometheus gauge family: a value per label set that is set, or goes up and down.
/// Label values are given in the order of `labelNames`.
public final class Gauge: MetricFamily, Sendable {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let values: Mutex<[[String]: Double]>

    init(name: String, help: String, labelNames: [String]) {
        PrometheusText.validate(name: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.labelNames = labelNames
        // A family without labels has exactly one series; it is shown from the start, at 0.
        values = Mutex(labelNames.isEmpty ? [[]: 0] : [:])
    }

    public func set(_ value: Double, labels: [String] = []) {
        checkLabels(labels)
        values.withLock { $0[labels] = value }
    }

    public func increment(by amount: Double = 1, labels: [String] = []) {
        checkLabels(labels)
        values.withLock { $0[labels, default: 0] += amount }
    }

    public func decrement(by amount: Double = 1, labels: [String] = []) {
        increment(by: -amount, labels: labels)
    }

    /// Drops the series of `labels` from the output, e.g. when its value cannot be read.
    public func remove(labels: [String] = []) {
        checkLabels(labels)
        _ = values.withLock { $0.removeValue(forKey: labels) }
    }

    /// The series' current value, or `nil` if it is not shown.
    public func value(labels: [String] = []) -> Double? {
        values.withLock { $0[labels] }
    }

    func render(into output: inout String) {
        let snapshot = values.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: "gauge")
        for (labels, value) in PrometheusText.sorted(snapshot) {
            output += name + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(value) + "\n"
        }
    }

    private func checkLabels(_ labels: [String]) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
    }
}
