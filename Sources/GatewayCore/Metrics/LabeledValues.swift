import Synchronization

/// A family with one value per label set (counter, gauge): its series are kept and rendered by
/// `LabeledValues`, and only the ways a value may change differ.
protocol LabeledFamily: MetricFamily {
    var series: LabeledValues { get }
}

extension LabeledFamily {
    var name: String { series.name }

    func render(into output: inout String) {
        series.render(into: &output)
    }
}

/// The series of a counter or gauge family: one value per label set, rendered as one block.
final class LabeledValues: Sendable {
    let name: String
    private let help: String
    private let labelNames: [String]
    private let type: String
    private let values: Mutex<[[String]: Double]>

    init(name: String, help: String, labelNames: [String], type: String) {
        PrometheusText.validate(name: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.type = type
        // A family without labels has exactly one series; it is shown from the start, at 0.
        values = Mutex(labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Changes the series of `labels` (`nil`: not shown).
    func update(_ labels: [String], _ change: (inout Double?) -> Void) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)")
        values.withLock { change(&$0[labels]) }
    }

    func value(_ labels: [String]) -> Double? {
        values.withLock { $0[labels] }
    }

    func render(into output: inout String) {
        let snapshot = values.withLock { $0 }
        output += PrometheusText.header(name: name, help: help, type: type)
        for (labels, value) in PrometheusText.sorted(snapshot) {
            output += name + PrometheusText.labels(labelNames, labels) + " " + PrometheusText.format(value) + "\n"
        }
    }
}
