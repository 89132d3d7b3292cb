/// A Prometheus counter family: a value per label set that only goes up.
/// Label values are given in the order of `labelNames`; each new combination is a new series, so
/// values must come from a small fixed set (route names, source names, status names).
///
/// On the request path, resolve a label set once (`series`, `statusSeries`) and update the handle:
/// that is one atomic operation, no lock and no lookup.
public final class Counter: LabeledFamily, Sendable {
    let values: LabeledValues

    init(name: String, help: String, labelNames: [String]) {
        values = LabeledValues(name: name, help: help, labelNames: labelNames, type: "counter")
    }

    /// One series of the family, resolved: shown once first incremented. Counter series are
    /// never dropped, so a handle stays valid for as long as it is kept.
    public struct Series: Sendable {
        let cell: MetricCell

        /// Adds `amount` (≥ 0).
        public func increment(by amount: Double = 1) {
            precondition(amount >= 0, "a counter cannot go down")
            cell.add(amount)
        }
    }

    /// The series of `labels`, resolved once for updates without a lookup.
    public func series(labels: [String]) -> Series {
        Series(cell: values.cell(labels))
    }

    /// The series whose labels are `labels` and, last, an HTTP status: see `StatusSeries`.
    public func statusSeries(labels: [String]) -> StatusSeries {
        precondition(labels.count + 1 == values.labelNames.count, "\(name) takes labels \(values.labelNames)")
        return StatusSeries(values, labels: labels)
    }

    /// Adds `amount` (≥ 0) to the series of `labels`.
    public func increment(by amount: Double = 1, labels: [String] = []) {
        series(labels: labels).increment(by: amount)
    }

    /// The series' current value; 0 for one never incremented.
    public func value(labels: [String] = []) -> Double {
        values.value(labels) ?? 0
    }
}
