@testable import GatewayCore
import GatewayJSON
import Testing

/// A finding names the department whose value differs from the others (`differing_sources`),
/// where that can be told, and never a value.
struct DifferingSourcesTests {
    /// The agreeing values are those more than half share, or the reference's; the rest differ.
    @Test(arguments: [
        (["a", "a", "b"], nil, [2]),
        (["b", "a", "a"], nil, [0]),
        (["a", "b", "b", "b"], nil, [0]),
        (["a", "b"], nil, []),
        (["a", "b", "c"], nil, []),
        (["a", "a", "b", "b"], nil, []),
        (["a", "a", "b", "c"], nil, []),
        (["a", "a", "a", "b", "c"], nil, [3, 4]),
        (["x", "y"], 0, [1]),
        (["x", "x", "y"], 0, [2]),
        (["x", "y", "y"], 0, [1, 2]),
        (["a", "a", "a"], nil, []),
    ] as [([String], Int?, [Int])])
    func positions(_ keys: [String], _ reference: Int?, _ expected: [Int]) {
        #expect(DifferingValues.positions(of: keys, reference: reference) == expected)
    }

    /// The bundled fixtures: the tax bureau holds another name (LA2023101), housing another ID
    /// number (LA2023102) and another property id (LA2023104); a ratio or a single value names
    /// no odd one out.
    @Test(arguments: [
        ("LA2023101", "owner_name_mismatch", ["tax"]),
        ("LA2023102", "owner_id_card_mismatch", ["house"]),
        ("LA2023104", "house_property_id_mismatch", ["house"]),
        ("LA2023103", "land_area_implausible", []),
        ("LA2023003", "tax_arrears", []),
    ] as [(String, String, [String])])
    func bundledFixtures(_ id: String, _ code: String, _ differing: [String]) throws {
        let report = try ConsistencyChecksTests.evaluate(ConsistencyChecksTests.bundled, id, ConsistencyChecksTests.sections(id))
        let finding = try #require(report.findings.first { $0.code == code })
        #expect(finding.differingSources == differing)
        let dossier = Dossier(propertyID: try #require(PropertyID(id)), requestID: "01JTEST", generatedAt: .now(), sources: [],
                              consistency: ConsistencyReport(findings: [finding]))
        let json = try #require(try dossier.parsed()["findings"]?.elements.first)
        #expect(json["differing_sources"]?.elements.compactMap(\.string) == differing)
    }

    /// Values are compared as the check compares them: an ID number typed in full width agrees
    /// with the same number in half width, so only the really different one is named.
    @Test func normalizedValuesAgree() throws {
        let check = ConsistencyCheck(code: "same_id", severity: .critical, message: "不一致 / differs", comparison: .equalNormalized,
                                     operands: try ["land", "tax", "house"].map { .source(name: $0, pointer: try JSONPointer("/id")) })
        let ids = ["land": "３４０１０２１９９００１０１１２３Ｘ", "tax": "34010219900101123x", "house": "340102199001011243"]
        let checks = ConsistencyChecks([check])
        let sections = ["land", "tax", "house"].map { name in
            (name: name, outcome: SourceOutcome.answered(#"{"id": "\#(ids[name]!)"}"#, source: name, checks: checks))
        }
        let report = try ConsistencyChecksTests.evaluate(checks, "LA2023001", sections)
        #expect(report.findings.first?.differingSources == ["house"])
    }

    /// Two operands of one source: the source is named once.
    @Test func sourceNamedOnce() throws {
        let check = ConsistencyCheck(code: "three", severity: .warning, message: "不一致 / differs", comparison: .equal,
                                     operands: try ["/a", "/b", "/c"].map { .source(name: "land", pointer: try JSONPointer($0)) })
        let checks = ConsistencyChecks([check])
        let sections = [(name: "land", outcome: SourceOutcome.answered(#"{"a": 1, "b": 1, "c": 2}"#, checks: checks))]
        let report = try ConsistencyChecksTests.evaluate(checks, "LA2023001", sections)
        #expect(report.findings.first?.differingSources == ["land"])
    }
}
