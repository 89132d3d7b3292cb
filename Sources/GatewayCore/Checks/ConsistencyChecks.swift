import GatewayJSON

/// The configured consistency checks, run over each dossier's unmasked data before masking,
/// so a clerk sees that two departments disagree without seeing what either one holds.
///
/// A check reading a source that was not requested, not permitted or did not answer ok is
/// skipped, as is one whose value is absent or of the wrong type: a check that cannot run
/// never produces a finding.
public struct ConsistencyChecks: Sendable, Equatable {
    public var checks: [ConsistencyCheck]

    public init(_ checks: [ConsistencyCheck] = []) {
        self.checks = checks
    }

    /// Runs every check. Pointers are resolved in the jansson trees of the sections' data,
    /// which must not have been masked yet.
    /// - Parameters:
    ///   - propertyID: the id the clerk asked for (the `{"request": "property_id"}` operand).
    ///   - sections: the dossier's sections; sources missing here were not requested.
    /// - Returns: findings most severe first (config order within a severity), and the skipped checks.
    public func evaluate(propertyID: PropertyID, sections: [(name: String, outcome: SourceOutcome)]) -> ConsistencyReport {
        var report = ConsistencyReport()
        guard !checks.isEmpty else { return report }
        for check in checks {
            switch Self.evaluate(check, propertyID: propertyID, sections: sections) {
            case .holds:
                break
            case .violated:
                report.findings.append(ConsistencyReport.Finding(check: check))
            case .skipped(let reason, let sources):
                report.skipped.append(ConsistencyReport.SkippedCheck(code: check.code, reason: reason, sources: sources))
            }
        }
        report.findings = report.findings.enumerated()
            .sorted { $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset }
            .map(\.element)
        return report
    }

    private enum Verdict {
        case holds, violated
        case skipped(ConsistencyReport.SkipReason, sources: [String])
    }

    private static func evaluate(_ check: ConsistencyCheck, propertyID: PropertyID,
                                 sections: [(name: String, outcome: SourceOutcome)]) -> Verdict {
        var data: [String: JSON] = [:]
        var unusable: [(source: String, reason: ConsistencyReport.SkipReason)] = []
        for name in check.sourceNames {
            guard let outcome = sections.first(where: { $0.name == name })?.outcome else {
                unusable.append((name, .sourceNotRequested))
                continue
            }
            switch (outcome.status, outcome.data) {
            case (.ok, let tree?): data[name] = tree
            case (.notPermitted, _): unusable.append((name, .sourceNotPermitted))
            default: unusable.append((name, .sourceFailed))
            }
        }
        if let first = unusable.first {
            return .skipped(first.reason, sources: unusable.filter { $0.reason == first.reason }.map(\.source))
        }
        var values: [JSON] = []
        var missing: [String] = []
        for operand in check.operands {
            switch operand {
            case .requestedPropertyID:
                values.append(JSON(propertyID.rawValue))
            case .source(let name, let pointer):
                if let value = data[name]?.value(at: pointer), !value.isNull {
                    values.append(value)
                } else if !missing.contains(name) {
                    missing.append(name)
                }
            }
        }
        guard missing.isEmpty else { return .skipped(.valueMissing, sources: missing) }
        guard let holds = compare(values, by: check.comparison) else {
            return .skipped(.valueNotComparable, sources: check.sourceNames)
        }
        return holds ? .holds : .violated
    }

    /// Whether `values` meet `comparison`; `nil` when a value has the wrong type for it.
    static func compare(_ values: [JSON], by comparison: CheckComparison) -> Bool? {
        switch comparison {
        case .equal:
            return values.dropFirst().allSatisfy { $0 == values[0] }
        case .equalNormalized:
            let texts = values.map(text)
            guard !texts.contains(nil) else { return nil }
            let normalized = texts.map { TextNormalization.normalized($0!) }
            return normalized.dropFirst().allSatisfy { $0 == normalized[0] }
        case .ratioWithin(let minimum, let maximum):
            guard let numerator = values[0].number, let denominator = values[1].number, denominator != 0 else { return nil }
            return (minimum...maximum).contains(numerator / denominator)
        case .dateOrder:
            let dates = values.map(date)
            guard !dates.contains(nil) else { return nil }
            return zip(dates, dates.dropFirst()).allSatisfy { $0! <= $1! }
        case .oneOf(let allowed):
            return allowed.contains(values[0])
        case .notPositive:
            guard let number = values[0].number else { return nil }
            return number <= 0
        }
    }

    /// A string, or an integer's decimal text (an ID number sent as a number).
    private static func text(_ value: JSON) -> String? {
        value.string ?? value.integer.map(String.init)
    }

    /// The `YYYY-MM-DD` at the start of a date or date-time string; it sorts as text.
    private static func date(_ value: JSON) -> String? {
        guard let text = value.string else { return nil }
        let utf8 = Array(text.utf8.prefix(10))
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
              utf8.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || isDigit($0.element) }),
              text.utf8.count == 10 || text.utf8.dropFirst(10).first == UInt8(ascii: "T") else { return nil }
        return String(decoding: utf8, as: UTF8.self)
    }
}
