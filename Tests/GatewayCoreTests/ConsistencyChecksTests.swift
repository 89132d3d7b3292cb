import Testing
import GatewayCore
import GatewayJSON

/// The consistency checks: the bundled ones over the bundled fixtures, and each rule of skipping.
struct ConsistencyChecksTests {
    static let bundled: ConsistencyChecks = {
        // A failure here fails every test below with the config error.
        try! GatewayConfig.load(path: Repository.bundledConfig).checks
    }()

    /// Sections as the dossier would hold them: each department's fixture, served with what `checks` read captured,
    /// or `not_found`.
    static func sections(_ id: String, of sources: [String] = ["land", "tax", "house"],
                         checks: ConsistencyChecks = bundled) -> [(name: String, outcome: SourceOutcome)] {
        sources.map { source in
            guard let bytes = Repository.fixtureBytes(source, id) else { return (source, SourceOutcome(status: .notFound, latencyMs: 1, httpStatus: 404, error: "not found")) }
            return (source, SourceOutcome.answered(bytes, source: source, checks: checks))
        }
    }

    static func evaluate(_ checks: ConsistencyChecks, _ id: String, _ sections: [(name: String, outcome: SourceOutcome)]) throws -> ConsistencyReport {
        checks.evaluate(propertyID: try #require(PropertyID(id)), sections: sections)
    }

    /// Each bundled fixture yields exactly the findings its data warrants, most severe first.
    @Test(arguments: [
        ("LA2023001", []),
        ("LA2023002", []),
        ("LA2023003", ["tax_arrears"]),
        ("LA2023004", ["land_mortgaged"]),
        ("LA2023005", ["house_seized", "land_mortgaged"]),
        ("341502001001GB00001F00010001", []),
        ("341503002003GB00012F00020003", ["land_mortgaged"]),
        ("341522001004GB00045F00010002", []),
        ("LA2023101", ["owner_name_mismatch"]),
        ("LA2023102", ["owner_id_card_mismatch"]),
        ("LA2023103", ["land_area_implausible"]),
        ("LA2023104", ["house_property_id_mismatch"]),
        ("LA2023105", []),
    ] as [(String, [String])])
    func bundledFixtures(_ id: String, _ expected: [String]) throws {
        let report = try Self.evaluate(Self.bundled, id, Self.sections(id))
        #expect(report.findings.map(\.code) == expected)
        if id != "LA2023005" { #expect(report.skipped.isEmpty) }
    }

    /// LA2023005 has no tax record: every check reading tax is skipped, none is a finding.
    @Test func missingTaxRecordSkipsTaxChecks() throws {
        let report = try Self.evaluate(Self.bundled, "LA2023005", Self.sections("LA2023005"))
        #expect(report.skipped.map(\.code) == ["owner_name_mismatch", "owner_id_card_mismatch", "tax_arrears", "tax_property_id_mismatch"])
        #expect(report.skipped.allSatisfy { $0.reason == .sourceFailed && $0.sources == ["tax"] })
    }

    /// A source that failed, was not permitted or was not requested skips the checks that read
    /// it, even where its data would have disagreed.
    @Test(arguments: [
        (SourceStatus.timeout, ConsistencyReport.SkipReason.sourceFailed),
        (.circuitOpen, .sourceFailed),
        (.invalidResponse, .sourceFailed),
        (.notPermitted, .sourceNotPermitted),
    ])
    func unusableSourceSkips(_ status: SourceStatus, _ reason: ConsistencyReport.SkipReason) throws {
        var sections = Self.sections("LA2023101")
        sections[1].outcome = SourceOutcome.notCalled(status, error: "no answer")
        let report = try Self.evaluate(Self.bundled, "LA2023101", sections)
        #expect(report.findings.isEmpty)
        #expect(report.skipped.map(\.code) == ["owner_name_mismatch", "owner_id_card_mismatch", "tax_arrears", "tax_property_id_mismatch"])
        #expect(report.skipped.allSatisfy { $0.reason == reason && $0.sources == ["tax"] })
    }

    /// `?sources=land,house` leaves tax out: its checks are skipped as not requested.
    @Test func unrequestedSourceSkips() throws {
        let report = try Self.evaluate(Self.bundled, "LA2023101", Self.sections("LA2023101", of: ["land", "house"]))
        #expect(report.findings.isEmpty)
        #expect(report.skipped.first?.reason == .sourceNotRequested)
        #expect(report.skipped.map(\.code).contains("owner_name_mismatch"))
    }

    /// With several unusable sources the reason is the first in the documented order, not in operand order, and
    /// `sources` names only the sources with that reason: `?sources=land,tax` with tax timing out skips
    /// owner_name_mismatch (land, tax, house) as house not requested.
    @Test func mixedReasonsFollowDocumentedOrder() throws {
        var sections = Self.sections("LA2023101", of: ["land", "tax"])
        sections[1].outcome = SourceOutcome.notCalled(.timeout, error: "no answer")
        let report = try Self.evaluate(Self.bundled, "LA2023101", sections)
        let owner = try #require(report.skipped.first { $0.code == "owner_name_mismatch" })
        #expect(owner.reason == .sourceNotRequested && owner.sources == ["house"])
        let arrears = try #require(report.skipped.first { $0.code == "tax_arrears" })
        #expect(arrears.reason == .sourceFailed && arrears.sources == ["tax"])

        var failedAndForbidden = Self.sections("LA2023101")
        failedAndForbidden[0].outcome = SourceOutcome.notCalled(.timeout, error: "no answer")
        failedAndForbidden[1].outcome = SourceOutcome.notCalled(.notPermitted, error: "not permitted")
        failedAndForbidden[2].outcome = SourceOutcome.notCalled(.notPermitted, error: "not permitted")
        let forbidden = try #require(try Self.evaluate(Self.bundled, "LA2023101", failedAndForbidden).skipped
            .first { $0.code == "owner_name_mismatch" })
        #expect(forbidden.reason == .sourceNotPermitted && forbidden.sources == ["tax", "house"])
    }

    /// The reasons order as declared, the order the README documents.
    @Test func skipReasonsOrder() {
        #expect(ConsistencyReport.SkipReason.allCases.map(\.rawValue)
            == ["source_not_requested", "source_not_permitted", "source_failed", "value_missing", "value_not_comparable"])
        #expect(ConsistencyReport.SkipReason.allCases == ConsistencyReport.SkipReason.allCases.sorted())
    }

    /// The report names codes, sources and pointers, never a value from the data.
    @Test func reportHoldsNoValues() throws {
        let dossier = Dossier(propertyID: try #require(PropertyID("LA2023102")), requestID: "01JTEST", generatedAt: .now(),
                              sources: [], consistency: try Self.evaluate(Self.bundled, "LA2023102", Self.sections("LA2023102")))
        let text = try dossier.parsed()["findings"]!.encodedString()
        #expect(text.contains("owner_id_card_mismatch"))
        for value in ["340102199001011234", "340102199001011243", "张三", "108.62"] { #expect(!text.contains(value)) }
    }

    static func check(_ comparison: CheckComparison, _ pointers: [String], severity: FindingSeverity = .warning,
                      code: String = "probe") throws -> ConsistencyCheck {
        ConsistencyCheck(code: code, severity: severity, message: "测试 / probe", comparison: comparison,
                         operands: try pointers.map { .source(name: "land", pointer: try JSONPointer($0)) })
    }

    /// One comparison over one data object: whether it holds, fails, or is skipped (and why).
    enum Expectation: Equatable { case holds, finding, skipped(ConsistencyReport.SkipReason) }

    static func run(_ check: ConsistencyCheck, on data: String) throws -> Expectation {
        let checks = ConsistencyChecks([check])
        let report = try Self.evaluate(checks, "LA2023001", [("land", SourceOutcome.answered(data, checks: checks))])
        if let skipped = report.skipped.first { return .skipped(skipped.reason) }
        return report.findings.isEmpty ? .holds : .finding
    }

    /// Every comparison, on values that meet it, miss it, or cannot be compared.
    @Test(arguments: [
        (CheckComparison.equal, #"{"a": "x", "b": "x"}"#, Expectation.holds),
        (.equal, #"{"a": 1, "b": 1.0}"#, .finding),
        (.equal, #"{"a": {"k": [1]}, "b": {"k": [1]}}"#, .holds),
        (.equal, #"{"a": "x", "b": null}"#, .skipped(.valueMissing)),
        (.equal, #"{"a": "x"}"#, .skipped(.valueMissing)),
        (.equalNormalized, #"{"a": " 张 三 ", "b": "张三"}"#, .holds),
        (.equalNormalized, #"{"a": "３４０１０２１９６８０９０５０１７Ｘ", "b": "34010219680905017x"}"#, .holds),
        (.equalNormalized, #"{"a": "Zhang-San", "b": "zhang san."}"#, .holds),
        (.equalNormalized, #"{"a": "张三", "b": "张珊"}"#, .finding),
        (.equalNormalized, #"{"a": 340102, "b": "340102"}"#, .holds),
        (.equalNormalized, #"{"a": true, "b": "true"}"#, .skipped(.valueNotComparable)),
        (.ratioWithin(min: 0.05, max: 3), #"{"a": 32.45, "b": 108.62}"#, .holds),
        (.ratioWithin(min: 0.05, max: 3), #"{"a": 1086.2, "b": 108.62}"#, .finding),
        (.ratioWithin(min: 0.05, max: 3), #"{"a": 1, "b": 100}"#, .finding),
        (.ratioWithin(min: 0.99, max: 1.01), #"{"a": 100, "b": 100.5}"#, .holds),
        (.ratioWithin(min: 0.05, max: 3), #"{"a": 1, "b": 0}"#, .skipped(.valueNotComparable)),
        (.ratioWithin(min: 0.05, max: 3), #"{"a": "32", "b": 100}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-05-12", "b": "2021-08-20"}"#, .holds),
        (.dateOrder, #"{"a": "2021-05-12", "b": "2021-05-12T10:00:00+08:00"}"#, .holds),
        (.dateOrder, #"{"a": "2021-08-21", "b": "2021-08-20"}"#, .finding),
        (.dateOrder, #"{"a": "2021/05/12", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-05-12 10:00", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-05-12", "b": "2021-13-45"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-00-12", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-05-00", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-04-31", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2021-02-29", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "1900-02-29", "b": "2021-08-20"}"#, .skipped(.valueNotComparable)),
        (.dateOrder, #"{"a": "2020-02-29", "b": "2021-12-31T23:59:59Z"}"#, .holds),
        (.dateOrder, #"{"a": "2000-02-29", "b": "2000-01-31"}"#, .finding),
    ])
    func twoOperandComparisons(_ comparison: CheckComparison, _ data: String, _ expected: Expectation) throws {
        #expect(try Self.run(Self.check(comparison, ["/a", "/b"]), on: data) == expected)
    }

    @Test(arguments: [
        (CheckComparison.oneOf([.string("无")]), #"{"a": "无"}"#, Expectation.holds),
        (.oneOf([.string("无")]), #"{"a": "抵押中"}"#, .finding),
        (.oneOf([.bool(false)]), #"{"a": false}"#, .holds),
        (.oneOf([.bool(false)]), #"{"a": true}"#, .finding),
        (.oneOf([.bool(false)]), #"{"a": null}"#, .skipped(.valueMissing)),
        (.oneOf([.integer(0)]), #"{"a": 0.0}"#, .finding),
        (.oneOf([.container(try! JSON.parse(#"{"k":[1,"x"]}"#))]), #"{"a": {"k": [1, "x"]}}"#, .holds),
        (.notPositive, #"{"a": 0.0}"#, .holds),
        (.notPositive, #"{"a": 0}"#, .holds),
        (.notPositive, #"{"a": 67.2}"#, .finding),
        (.notPositive, #"{"a": "67.2"}"#, .skipped(.valueNotComparable)),
    ])
    func oneOperandComparisons(_ comparison: CheckComparison, _ data: String, _ expected: Expectation) throws {
        #expect(try Self.run(Self.check(comparison, ["/a"]), on: data) == expected)
    }

    /// The requested id operand catches a department answering for another property.
    @Test func requestedPropertyIDOperand() throws {
        let check = ConsistencyCheck(code: "echo", severity: .critical, message: "编号不符 / id differs", comparison: .equal,
                                     operands: [.requestedPropertyID, .source(name: "land", pointer: try JSONPointer("/property_id"))])
        let checks = ConsistencyChecks([check])
        let matching = try Self.evaluate(checks, "LA2023001", Self.sections("LA2023001", of: ["land"], checks: checks))
        let other = try Self.evaluate(checks, "LA2023002", Self.sections("LA2023001", of: ["land"], checks: checks))
        #expect(matching.findings.isEmpty)
        #expect(other.findings.map(\.code) == ["echo"])
        #expect(other.findings.first?.sources == ["land"])
    }

    /// Findings come most severe first, in config order within one severity.
    @Test func findingsOrderedBySeverity() throws {
        let checks = ConsistencyChecks([
            try Self.check(.notPositive, ["/a"], severity: .info, code: "first_info"),
            try Self.check(.notPositive, ["/a"], severity: .warning, code: "first_warning"),
            try Self.check(.notPositive, ["/a"], severity: .critical, code: "only_critical"),
            try Self.check(.notPositive, ["/a"], severity: .warning, code: "second_warning"),
        ])
        let report = try Self.evaluate(checks, "LA2023001", [("land", SourceOutcome.answered(#"{"a": 1}"#, checks: checks))])
        #expect(report.findings.map(\.code) == ["only_critical", "first_warning", "second_warning", "first_info"])
    }
}

/// RFC 6901 pointers as the checks resolve them: captured while a body is served (`CheckCaptures`).
struct JSONPointerTests {
    static let document = #"{"a/b": 1, "m~n": 2, "list": [10, {"x": "y"}], "": 3, "nested": {"k": null}, "0": [true, 1.5], "\u0301b": 7}"#

    /// What `pointer` captures in `document`.
    static func captured(_ pointer: String) throws -> CheckValue? {
        let pointer = try JSONPointer(pointer)
        let check = ConsistencyCheck(code: "probe", severity: .info, message: "测试 / probe", comparison: .notPositive,
                                     operands: [.source(name: "land", pointer: pointer)])
        let checks = ConsistencyChecks([check])
        let outcome = SourceOutcome.answered(Self.document, checks: checks)
        return outcome.checkValues[try #require(checks.captures(for: "land").slot(of: pointer))]
    }

    @Test(arguments: [
        ("/a~1b", CheckValue.integer(1)), ("/m~0n", .integer(2)), ("/list/0", .integer(10)), ("/list/1/x", .string("y")), ("/", .integer(3)),
        ("/nested/k", .null), ("/0/1", .real(1.5)), ("/\u{301}b", .integer(7)), ("/list/1", .container(try! JSON.parse(#"{"x": "y"}"#))),
    ])
    func resolves(_ pointer: String, _ expected: CheckValue) throws {
        #expect(try Self.captured(pointer) == expected)
    }

    @Test(arguments: ["/list/2", "/list/01", "/list/-", "/list/x", "/missing", "/a~1b/deeper", "/list/1/x/0", "/nested/k/0", "/0/x"])
    func missing(_ pointer: String) throws {
        #expect(try Self.captured(pointer) == nil)
    }

    /// The empty pointer is the whole document.
    @Test func emptyPointerIsWholeDocument() throws {
        #expect(try Self.captured("") == .container(try JSON.parse(Self.document)))
    }

    @Test(arguments: [("a/b", JSONPointer.ParseError.missingLeadingSlash), ("/a~", .invalidEscape), ("/a~2", .invalidEscape)])
    func rejects(_ text: String, _ error: JSONPointer.ParseError) {
        #expect(throws: error) { try JSONPointer(text) }
    }
}
