/// A Prometheus gauge family: a value per label set that is set, or goes up and down.
/// Label values are given in the order of `labelNames`. The one series of a gauge without labels
/// is changed with one atomic operation; a labelled series under the family's lock, so that a
/// change and a `remove` of it apply in one order.
public final class Gauge: LabeledFamily, Sendable {
    let values: LabeledValues

    init(name: String, help: String, labelNames: [String]) {
        values = LabeledValues(name: name, help: help, labelNames: labelNames, type: "gauge")
    }

    public func set(_ value: Double, labels: [String] = []) {
        values.update(labels) { $0.set(value) }
    }

    public func increment(by amount: Double = 1, labels: [String] = []) {
        values.update(labels) { $0.add(amount) }
    }

    public func decrement(by amount: Double = 1, labels: [String] = []) {
        increment(by: -amount, labels: labels)
    }

    /// Drops the series of `labels` from the output, e.g. when its value cannot be read.
    public func remove(labels: [String] = []) {
        values.remove(labels)
    }

    /// The series' current value, or `nil` if it is not shown.
    public func value(labels: [String] = []) -> Double? {
        values.value(labels)
    }
}
