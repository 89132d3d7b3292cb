import Synchronization

/// A Prometheus counter family: a value per label set that only goes up.
/// Label values are given in the order of `labelNames`; each new combination is a new series, so
/// values must come from a small fixed set (route templates, source names, status names).
public final class Counter: MetricFamily, Sendable {
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

    /// Adds `amount` (≥ 0) to the series of `labels`.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(amount >= 0, "a counter cannot go down")
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        values.withLock { $0[labels, default: 0] += amount }
    }

    /// The series' current value; 0 for one never incremented.
    public func value(labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    func render(into output: inout String) {
        let snapshot = values.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: "counter")
        for (labels, value) in PrometheusText.sorted(snapshot) {
            output += name + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(value) + "\n"
        }
    }
}
