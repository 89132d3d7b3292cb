/// A Prometheus counter family: a value per label set that only goes up.
/// Label values are given in the order of `labelNames`; each new combination is a new series, so
/// values must come from a small fixed set (route names, source names, status names).
public final class Counter: LabeledFamily, Sendable {
    let series: LabeledValues

    init(name: String, help: String, labelNames: [String]) {
        series = LabeledValues(name: name, help: help, labelNames: labelNames, type: "counter")
    }

    /// Adds `amount` (≥ 0) to the series of `labels`.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(amount >= 0, "a counter cannot go down")
        series.update(labels) { $0 = ($0 ?? 0) + amount }
    }

    /// The series' current value; 0 for one never incremented.
    public func value(labels: [String] = []) -> Double {
        series.value(labels) ?? 0
    }
}
