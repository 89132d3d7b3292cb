import GatewayJSON

/// What the consistency checks found in one dossier: the findings, most severe first, and the
/// checks that could not run. Neither ever holds a value from the data.
public struct ConsistencyReport: Sendable, Equatable {
    public var findings: [Finding]
    public var skipped: [SkippedCheck]

    public init(findings: [Finding] = [], skipped: [SkippedCheck] = []) {
        self.findings = findings
        self.skipped = skipped
    }

    /// A check whose expectation did not hold.
    public struct Finding: Sendable, Equatable {
        public var code: String
        public var severity: FindingSeverity
        public var message: String
        /// The sources the check read, each once.
        public var sources: [String]
        /// Where in each source's data the compared values are.
        public var pointers: [(source: String, pointer: JSONPointer)]
        /// The sources whose value differs from the others (the odd one out), where that can be
        /// told; empty otherwise. Never the values themselves.
        public var differingSources: [String]

        public init(check: ConsistencyCheck, differingSources: [String] = []) {
            code = check.code
            severity = check.severity
            message = check.message
            sources = check.sourceNames
            pointers = check.operands.compactMap { operand in
                guard case .source(let name, let pointer) = operand else { return nil }
                return (name, pointer)
            }
            self.differingSources = differingSources
        }

        public static func == (lhs: Finding, rhs: Finding) -> Bool {
            lhs.code == rhs.code && lhs.severity == rhs.severity && lhs.message == rhs.message && lhs.sources == rhs.sources
                && lhs.pointers.map(\.source) == rhs.pointers.map(\.source) && lhs.pointers.map(\.pointer) == rhs.pointers.map(\.pointer)
                && lhs.differingSources == rhs.differingSources
        }

        func write(into output: inout JSONOutput) {
            output.beginObject()
            output.member("code", code)
            output.member("severity", severity.rawValue)
            output.member("message", message)
            output.member("sources", sources)
            output.key("pointers")
            output.beginArray()
            for (source, pointer) in pointers {
                output.beginObject()
                output.member("source", source)
                output.member("pointer", pointer.description)
                output.endObject()
            }
            output.endArray()
            output.member("differing_sources", differingSources)
            output.endObject()
        }
    }

    /// A check that could not run, and why; never a finding in disguise.
    public struct SkippedCheck: Sendable, Equatable {
        public var code: String
        public var reason: SkipReason
        /// The sources whose section or value made the check impossible.
        public var sources: [String]

        public init(code: String, reason: SkipReason, sources: [String]) {
            self.code = code
            self.reason = reason
            self.sources = sources
        }

        func write(into output: inout JSONOutput) {
            output.beginObject()
            output.member("code", code)
            output.member("reason", reason.rawValue)
            output.member("sources", sources)
            output.endObject()
        }
    }

    /// Why a check was skipped, first one that applies, in this order (which is also `<`).
    public enum SkipReason: String, Sendable, Equatable, CaseIterable, Comparable {
        /// A source it reads was left out by `?sources=` (or is not in the request at all).
        case sourceNotRequested = "source_not_requested"
        /// The caller's role may not read a source it reads.
        case sourceNotPermitted = "source_not_permitted"
        /// A source it reads did not answer ok (timeout, not_found, …).
        case sourceFailed = "source_failed"
        /// A value it reads is absent or null in the source's data.
        case valueMissing = "value_missing"
        /// A value is of the wrong type for the comparison (text where a number is expected,
        /// a malformed date, a ratio over zero).
        case valueNotComparable = "value_not_comparable"

        public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Writes the `findings` and `skipped_checks` members of the dossier body.
    func writeMembers(into output: inout JSONOutput) {
        output.key("findings")
        output.beginArray()
        for finding in findings { finding.write(into: &output) }
        output.endArray()
        output.key("skipped_checks")
        output.beginArray()
        for check in skipped { check.write(into: &output) }
        output.endArray()
    }
}
