import Synchronization

/// A family with one value per label set (counter, gauge): its series are kept and rendered by
/// `LabeledValues`, and only the ways a value may change differ.
protocol LabeledFamily: MetricFamily {
    var values: LabeledValues { get }
}

extension LabeledFamily {
    var name: String { values.name }

    func render(into output: inout String) {
        values.render(into: &output)
    }
}

/// The series of a counter or gauge family: one `MetricCell` per label set, rendered as one block.
///
/// A label set is resolved to its cell once, under the family's lock; the cell is then changed
/// without it. A family without labels has exactly one cell, reached without the lock and shown
/// from the start; other cells are shown once first changed.
final class LabeledValues: Sendable {
    let name: String
    private let help: String
    let labelNames: [String]
    private let type: String
    /// The one series of a family without labels.
    private let unlabeled: MetricCell?
    private let cells: Mutex<[[String]: MetricCell]>

    init(name: String, help: String, labelNames: [String], type: String) {
        PrometheusText.validate(name: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.type = type
        unlabeled = labelNames.isEmpty ? MetricCell(shown: true) : nil
        cells = Mutex(unlabeled.map { [[]: $0] } ?? [:])
    }

    /// The cell of `labels`, made (not shown) if there is none.
    func cell(_ labels: [String]) -> MetricCell {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        if let unlabeled { return unlabeled }
        return cells.withLock { Self.resolve(labels, in: &$0) }
    }

    /// Changes the series of `labels` while no other change of the family's label sets runs, so
    /// that a change and a `remove` of the same series apply in one order.
    func update(_ labels: [String], _ change: (MetricCell) -> Void) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        if let unlabeled { return change(unlabeled) }
        cells.withLock { change(Self.resolve(labels, in: &$0)) }
    }

    private static func resolve(_ labels: [String], in cells: inout [[String]: MetricCell]) -> MetricCell {
        if let cell = cells[labels] { return cell }
        let cell = MetricCell(shown: false)
        cells[labels] = cell
        return cell
    }

    /// Hides the series of `labels`; a labelled one is dropped, so a label set that is gone (a
    /// source removed by a reload) keeps nothing.
    func remove(_ labels: [String]) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        if let unlabeled { return unlabeled.set(nil) }
        cells.withLock { _ = $0.removeValue(forKey: labels) }
    }

    func value(_ labels: [String]) -> Double? {
        if let unlabeled { return unlabeled.value }
        return cells.withLock { $0[labels] }?.value
    }

    func render(into output: inout String) {
        let snapshot = cells.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: type)
        for (labels, cell) in PrometheusText.sorted(snapshot) {
            guard let value = cell.value else { continue }
            output += name + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(value) + "\n"
        }
    }
}
