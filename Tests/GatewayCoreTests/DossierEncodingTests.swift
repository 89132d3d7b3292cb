import GatewayCore
import GatewayJSON
import JSONTestSupport
import Testing

/// `Dossier.encoded()`, written straight into one buffer, against the dossier as a jansson tree encoded by `JSONWriter`
/// (the oracle in `Oracle/Dossier+Tree.swift`): byte for byte the same where the departments' numbers are in their
/// shortest form (the fixtures' are), the same tree where they are not (a number is now copied as sent).
struct DossierEncodingTests {
    static let config = try! GatewayConfig.load(path: Repository.bundledConfig)
    static let ids = ["LA2023001", "LA2023002", "LA2023003", "LA2023004", "LA2023005", "LA2023101", "LA2023102", "LA2023103", "LA2023104",
                      "LA2023105", "341502001001GB00001F00010001", "341503002003GB00012F00020003", "341522001004GB00045F00010002"]

    /// A dossier of `id`'s fixtures as `role` is served them, with the bundled checks' findings; sections the role may not
    /// read are `not_permitted`, missing records `not_found`, and `failing` sources time out.
    static func dossier(_ id: String, role: String, failing: Set<String> = []) throws -> Dossier {
        let role = try #require(config.roles[role])
        let sections = ["land", "tax", "house"].map { source -> (name: String, outcome: SourceOutcome) in
            guard role.mayRead(source) else { return (source, .notCalled(.notPermitted, error: "role \(role.name) may not read this department's data")) }
            guard !failing.contains(source) else { return (source, SourceOutcome(status: .timeout, latencyMs: 1500, error: "no response within 1500 ms")) }
            guard let body = Repository.fixtureBytes(source, id) else {
                return (source, SourceOutcome(status: .notFound, latencyMs: 3, httpStatus: 404, error: "the department has no record of this property"))
            }
            return (source, SourceOutcome.answered(body, source: source, view: role.view(for: source), checks: config.checks, latencyMs: 7))
        }
        let propertyID = try #require(PropertyID(id))
        return Dossier(propertyID: propertyID, requestID: "01JTESTENCODING000000000000", generatedAt: .now(), sources: sections,
                       requiredSources: ["land"], consistency: config.checks.evaluate(propertyID: propertyID, sections: sections))
    }

    /// Every fixture id, every shipped role, with and without a failing department, alone and as a batch item.
    @Test(arguments: ids)
    func fixturesByteForByte(_ id: String) throws {
        for role in ["clerk", "land_records", "auditor"] {
            for failing in [[], ["tax"], ["land", "house"]] as [Set<String>] {
                let dossier = try Self.dossier(id, role: role, failing: failing)
                #expect(dossier.encoded() == (try dossier.tree()).encoded(), "\(id) \(role) \(failing)")
                #expect(dossier.encoded(withHTTPStatus: true) == (try dossier.tree(withHTTPStatus: true)).encoded(), "\(id) \(role) \(failing)")
            }
        }
    }

    /// Text that needs escaping wherever the dossier writes text of its own: withheld paths, errors, check messages.
    @Test func escapedTextByteForByte() throws {
        var land = SourceOutcome.answered(#"{"a\"b":1,"c\\d\u0001":2,"e\n":{"f":3},"ok":"x"}"#, view: SourceView(paths: try viewPaths(["/ok": .clear]), detectPII: true))
        for index in 0..<40 { land.withheld.record("/more\"\(index)") }
        let check = ConsistencyCheck(code: "quoted", severity: .warning, message: "引号 \"quoted\" \\ / tab\t", comparison: .equal,
                                     operands: [.source(name: "land", pointer: try JSONPointer("/a\"b")), .requestedPropertyID])
        let dossier = Dossier(propertyID: try #require(PropertyID("LA2023001")), requestID: "01JTEST\"REQUEST", generatedAt: .now(),
                              sources: [("land", land), ("tax", SourceOutcome(status: .upstreamError, latencyMs: 2, httpStatus: 503, error: "a \"quoted\"\u{7} error"))],
                              consistency: ConsistencyReport(findings: [ConsistencyReport.Finding(check: check, differingSources: ["land"])],
                                                             skipped: [ConsistencyReport.SkippedCheck(code: "x\"y", reason: .valueMissing, sources: ["land"])]))
        #expect(land.withheld.unlisted > 0)
        #expect(dossier.encoded() == (try dossier.tree()).encoded())
    }

    /// Numbers are copied as the department sent them, so the bytes differ from jansson's shortest form, but the answer
    /// reads to the same tree.
    @Test func numbersAsSentReadTheSame() throws {
        let body = #"{"area":1.50,"floors":1E+2,"zero":-0,"tiny":1e-400,"big":9223372036854775807,"share":0.1e1,"neg":-0.0}"#
        let land = SourceOutcome.answered(body, view: SourceView.all(trie: SourceView.nothing.trie, detectPII: true))
        let dossier = Dossier(propertyID: try #require(PropertyID("LA2023001")), requestID: "01JTESTREQUEST", generatedAt: .now(),
                              sources: [("land", land)])
        let text = String(decoding: dossier.encoded(), as: UTF8.self)
        #expect(text.contains(#""data":{"area":1.50,"floors":1E+2,"zero":-0,"tiny":1e-400,"big":9223372036854775807,"share":0.1e1,"neg":-0.0}"#))
        #expect(dossier.encoded() != (try dossier.tree()).encoded())
        #expect(TreeEquality.same(try dossier.parsed(), try dossier.tree()))
    }
}
