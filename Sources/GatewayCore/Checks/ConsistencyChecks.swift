import GatewayJSON

/// The configured consistency checks, run over each dossier's unmasked data, so a clerk sees
/// that two departments disagree without seeing what either one holds. The values are captured
/// while each body is served (`captures(for:)`, `SourceOutcome.checkValues`), before any view or
/// masking touches them.
///
/// A check reading a source that was not requested, not permitted or did not answer ok is
/// skipped, as is one whose value is absent or of the wrong type: a check that cannot run
/// never produces a finding.
public struct ConsistencyChecks: Sendable, Equatable {
    public let checks: [ConsistencyCheck]
    /// Per source the checks read, the pointers they read in its bodies.
    private let captures: [String: CheckCaptures]
    /// Per check, per operand: where its value is among its source's captured values (`nil`: the requested id).
    private let slots: [[Int?]]

    public init(_ checks: [ConsistencyCheck] = []) {
        self.checks = checks
        var pointers: [String: [JSONPointer]] = [:]
        for case .source(let name, let pointer) in checks.flatMap(\.operands) { pointers[name, default: []].append(pointer) }
        let captures = pointers.mapValues(CheckCaptures.init)
        self.captures = captures
        slots = checks.map { check in
            check.operands.map { operand in
                guard case .source(let name, let pointer) = operand else { return nil }
                return captures[name]!.slot(of: pointer)
            }
        }
    }

    public static func == (lhs: ConsistencyChecks, rhs: ConsistencyChecks) -> Bool {
        lhs.checks == rhs.checks
    }

    /// The values to capture in `source`'s bodies, for `evaluate`.
    public func captures(for source: String) -> CheckCaptures {
        captures[source] ?? .none
    }

    /// Runs every check over the values captured in the sections' bodies (`captures(for:)`).
    /// - Parameters:
    ///   - propertyID: the id the clerk asked for (the `{"request": "property_id"}` operand).
    ///   - sections: the dossier's sections; sources missing here were not requested.
    /// - Returns: findings most severe first (config order within a severity), and the skipped checks.
    public func evaluate(propertyID: PropertyID, sections: [(name: String, outcome: SourceOutcome)]) -> ConsistencyReport {
        var report = ConsistencyReport()
        guard !checks.isEmpty else { return report }
        let requested = CheckValue.string(propertyID.rawValue)
        // What the checks read of each section, taken once: a SourceOutcome is large to copy.
        let read = sections.map { Section(name: $0.name, status: $0.outcome.status, values: $0.outcome.checkValues) }
        for (check, slots) in zip(checks, slots) {
            switch Self.evaluate(check, slots: slots, requested: requested, sections: read) {
            case .holds:
                break
            case .violated(let differing):
                report.findings.append(ConsistencyReport.Finding(check: check, differingSources: differing))
            case .skipped(let reason, let sources):
                report.skipped.append(ConsistencyReport.SkippedCheck(code: check.code, reason: reason, sources: sources))
            }
        }
        report.findings = report.findings.enumerated()
            .sorted { $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset }
            .map(\.element)
        return report
    }

    /// What the checks read of one section.
    private struct Section {
        let name: String
        let status: SourceStatus
        let values: [CheckValue?]
    }

    private enum Verdict {
        case holds
        /// The check's expectation does not hold; `differing` names the sources whose value
        /// differs from the others, where that can be told.
        case violated(differing: [String])
        case skipped(ConsistencyReport.SkipReason, sources: [String])
    }

    /// - Parameter slots: where each operand's value is among its source's captured values.
    private static func evaluate(_ check: ConsistencyCheck, slots: [Int?], requested: CheckValue, sections: [Section]) -> Verdict {
        var unusable: [(source: String, reason: ConsistencyReport.SkipReason)] = []
        var missing: [String] = []
        var values: [CheckValue] = []
        values.reserveCapacity(check.operands.count)
        for (operand, slot) in zip(check.operands, slots) {
            guard case .source(let name, _) = operand else {
                values.append(requested)
                continue
            }
            guard let section = sections.first(where: { $0.name == name }) else {
                if !unusable.contains(where: { $0.source == name }) { unusable.append((name, .sourceNotRequested)) }
                continue
            }
            guard section.status == .ok else {
                let reason: ConsistencyReport.SkipReason = section.status == .notPermitted ? .sourceNotPermitted : .sourceFailed
                if !unusable.contains(where: { $0.source == name }) { unusable.append((name, reason)) }
                continue
            }
            if let slot, slot < section.values.count, let value = section.values[slot], value != .null {
                values.append(value)
            } else if !missing.contains(name) {
                missing.append(name)
            }
        }
        // The documented reason is the first that applies in declaration order, whatever the operand order.
        if let reason = unusable.map(\.reason).min() {
            return .skipped(reason, sources: unusable.filter { $0.reason == reason }.map(\.source))
        }
        guard missing.isEmpty else { return .skipped(.valueMissing, sources: missing) }
        guard let holds = compare(values, by: check.comparison) else {
            return .skipped(.valueNotComparable, sources: check.sourceNames)
        }
        return holds ? .holds : .violated(differing: differingSources(of: check, values: values))
    }

    /// The sources whose value differs from the agreeing ones (see `DifferingValues`), each
    /// once, in operand order; empty for comparisons that do not ask for agreement (a ratio, an
    /// order, one value against a rule), where no single value is the odd one out.
    /// - Parameter values: the compared values, one per operand.
    static func differingSources(of check: ConsistencyCheck, values: [CheckValue]) -> [String] {
        let reference = check.operands.firstIndex(of: .requestedPropertyID)
        let positions: [Int]
        switch check.comparison {
        case .equal:
            positions = DifferingValues.positions(of: values, reference: reference)
        case .equalNormalized:
            positions = DifferingValues.positions(of: values.map { $0.text.map(TextNormalization.normalized) }, reference: reference)
        case .ratioWithin, .dateOrder, .oneOf, .notPositive:
            return []
        }
        var names: [String] = []
        for position in positions {
            if let name = check.operands[position].sourceName, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Whether `values` meet `comparison`; `nil` when a value has the wrong type for it.
    static func compare(_ values: [CheckValue], by comparison: CheckComparison) -> Bool? {
        switch comparison {
        case .equal:
            return values.dropFirst().allSatisfy { $0 == values[0] }
        case .equalNormalized:
            // Clean records agree byte for byte; only text that differs is normalized.
            if haveSameText(values) { return true }
            let texts = values.map(\.text)
            guard !texts.contains(nil) else { return nil }
            let normalized = texts.map { TextNormalization.normalized($0!) }
            return normalized.dropFirst().allSatisfy { $0 == normalized[0] }
        case .ratioWithin(let minimum, let maximum):
            guard let numerator = values[0].number, let denominator = values[1].number, denominator != 0 else { return nil }
            return (minimum...maximum).contains(numerator / denominator)
        case .dateOrder:
            let days = values.map(day)
            guard !days.contains(nil) else { return nil }
            return zip(days, days.dropFirst()).allSatisfy { $0! <= $1! }
        case .oneOf(let allowed):
            return allowed.contains(values[0])
        case .notPositive:
            guard let number = values[0].number else { return nil }
            return number <= 0
        }
    }

    /// True when every value is a string with the same bytes as the first.
    private static func haveSameText(_ values: [CheckValue]) -> Bool {
        guard case .string = values[0] else { return false }
        return values.dropFirst().allSatisfy { $0 == values[0] }
    }

    /// `YYYY-MM-DD` at the start of a date or date-time string (then followed by `T`), as the
    /// number YYYYMMDD, which orders like the date; `nil` for a month or day that does not exist.
    private static func day(_ value: CheckValue) -> Int? {
        guard case .string(var text) = value else { return nil }
        return text.withUTF8 { bytes -> Int? in
            guard bytes.count == 10 || (bytes.count > 10 && bytes[10] == UInt8(ascii: "T")),
                  bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            var number = 0
            for offset in [0, 1, 2, 3, 5, 6, 8, 9] {
                let digit = Int(bytes[offset]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                number = number * 10 + digit
            }
            let year = number / 10000, month = number / 100 % 100, day = number % 100
            guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
            return number
        }
    }

    /// Days of `month` (1-12) in the proleptic Gregorian calendar.
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
