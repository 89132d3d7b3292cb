import Testing
import GatewayCore
import GatewayJSON

struct DossierTests {
    static let generatedAt = Timestamp(millisecondsSince1970: 1_764_417_600_123)

    static func dossier(_ sources: [(name: String, outcome: SourceOutcome)]) throws -> Dossier {
        Dossier(propertyID: try #require(PropertyID("LA2023001")), requestID: "01JTESTREQUEST",
                generatedAt: generatedAt, sources: sources)
    }

    static func ok(_ text: String, latency: Int = 41) -> SourceOutcome {
        SourceOutcome.answered(text, latencyMs: latency)
    }

    static let timeout = SourceOutcome(status: .timeout, latencyMs: 1500, error: "no response within 1500 ms")

    /// The body has exactly SPEC §2's keys in order, and encodes to the expected compact text.
    @Test func encodesSpecShape() throws {
        let dossier = try Self.dossier([
            ("land", Self.ok(#"{"owner":"张三","area":89.7}"#)),
            ("tax", Self.timeout),
            ("house", Self.ok("{}", latency: 80)),
        ])
        let json = try dossier.parsed()
        #expect(json.members.map(\.key) == ["property_id", "request_id", "generated_at", "complete", "findings", "skipped_checks", "sources"])
        #expect(String(decoding: dossier.encoded(), as: UTF8.self) == """
            {"property_id":"LA2023001","request_id":"01JTESTREQUEST","generated_at":"2025-11-29T12:00:00.123Z",\
            "complete":false,"findings":[],"skipped_checks":[],"sources":{"land":{"status":"ok","latency_ms":41,"http_status":200,\
            "data":{"owner":"张三","area":89.7},"withheld":[]},"tax":{"status":"timeout","latency_ms":1500,\
            "error":"no response within 1500 ms"},"house":{"status":"ok","latency_ms":80,"http_status":200,"data":{},"withheld":[]}}}
            """)
        #expect(dossier.httpStatus == 200)
        #expect(!dossier.isComplete)
    }

    /// Sections keep the given order, not alphabetical or config order.
    @Test func sectionsKeepGivenOrder() throws {
        let dossier = try Self.dossier([("tax", Self.ok("{}")), ("land", Self.ok("{}")), ("house", Self.timeout)])
        let sources = try #require(try dossier.parsed()["sources"])
        #expect(sources.members.map(\.key) == ["tax", "land", "house"])
    }

    /// complete is true only when every source is ok.
    @Test(arguments: [
        ([SourceStatus.ok, .ok, .ok], true),
        ([.ok, .notFound, .ok], false),
        ([.ok, .ok, .notPermitted], false),
        ([.timeout, .timeout, .timeout], false),
    ])
    func completeOnlyWhenAllOK(_ statuses: [SourceStatus], _ complete: Bool) throws {
        let sources = statuses.enumerated().map { index, status in
            (name: "s\(index)", outcome: status == .ok ? Self.ok("{}")
                : SourceOutcome(status: status, latencyMs: 5, error: "failed"))
        }
        let dossier = try Self.dossier(sources)
        #expect(dossier.isComplete == complete)
        #expect(try dossier.parsed()["complete"]?.bool == complete)
        #expect(dossier.httpStatus == DossierStatus.httpStatus(for: statuses))
    }

    /// Non-ok sections carry an error and no data; ok sections carry http_status and data and no error.
    @Test func sectionContents() throws {
        let dossier = try Self.dossier([
            ("land", Self.ok(#"{"parcel":"GB00001"}"#)),
            ("tax", SourceOutcome(status: .notFound, latencyMs: 12, httpStatus: 404, error: "no record")),
            ("house", SourceOutcome.notCalled(.circuitOpen, error: "circuit open")),
        ])
        let sources = try #require(try dossier.parsed()["sources"])
        let land = try #require(sources["land"])
        #expect(land["status"]?.string == "ok")
        #expect(land["http_status"]?.integer == 200)
        #expect(land["data"]?["parcel"]?.string == "GB00001")
        #expect(land["error"] == nil)
        for name in ["tax", "house"] {
            let section = try #require(sources[name])
            #expect(section["data"] == nil)
            #expect(section["error"]?.string?.isEmpty == false)
        }
        #expect(sources["tax"]?["status"]?.string == "not_found")
        #expect(sources["house"]?["status"]?.string == "circuit_open")
        #expect(sources["house"]?["latency_ms"]?.integer == 0)
        #expect(sources["house"]?["http_status"] == nil)
    }

    /// An ok section lists what its view withheld, always, and how many more past 32; other sections have no list.
    @Test func withheldInSections() throws {
        var land = Self.ok(#"{"parcel":"GB00001"}"#)
        for index in 0..<34 { land.withheld.record("/extra\(index)") }
        land.withheld.record("/extra0")
        let dossier = try Self.dossier([("land", land), ("tax", Self.timeout), ("house", Self.ok("{}"))])
        let sources = try #require(try dossier.parsed()["sources"])
        #expect(sources["land"]?["withheld"]?.elements.compactMap(\.string) == (0..<32).map { "/extra\($0)" })
        #expect(sources["land"]?["withheld_more"]?.integer == 2)
        #expect(sources["house"]?["withheld"]?.count == 0 && sources["house"]?["withheld_more"] == nil)
        #expect(sources["tax"]?["withheld"] == nil)
    }

    /// Chinese text is written as raw UTF-8, never as \u escapes.
    @Test func chineseStaysUnescaped() throws {
        let dossier = try Self.dossier([("land", Self.ok(#"{"owner":"欧阳娜娜","district":"\u5408\u80a5\u5e02"}"#))])
        let text = String(decoding: dossier.encoded(), as: UTF8.self)
        #expect(text.contains("欧阳娜娜"))
        #expect(text.contains("合肥市"))
        #expect(!text.contains("\\u"))
    }
}

extension DossierTests {
    /// A failed required source makes the dossier fail although another source answered;
    /// every section is still in the body.
    @Test func requiredSourceFailureFailsDossier() throws {
        let dossier = Dossier(propertyID: try #require(PropertyID("LA2023001")), requestID: "01JTESTREQUEST", generatedAt: Self.generatedAt,
                              sources: [("land", Self.ok("{}")), ("tax", Self.timeout), ("house", Self.ok("{}"))],
                              requiredSources: ["tax"])
        #expect(dossier.httpStatus == 504)
        #expect(!dossier.isComplete)
        #expect(try dossier.parsed()["sources"]?.members.map(\.key) == ["land", "tax", "house"])
    }

    /// Findings and skipped checks are encoded without any value from the data.
    @Test func encodesFindings() throws {
        let check = ConsistencyCheck(code: "owner_name_mismatch", severity: .critical, message: "权利人姓名不一致 / owner name differs",
                                     comparison: .equalNormalized,
                                     operands: [.source(name: "land", pointer: try JSONPointer("/right_holder/name")),
                                                .source(name: "tax", pointer: try JSONPointer("/taxpayer/name"))])
        let report = ConsistencyReport(findings: [ConsistencyReport.Finding(check: check, differingSources: ["tax"])],
                                       skipped: [ConsistencyReport.SkippedCheck(code: "tax_arrears", reason: .sourceFailed, sources: ["tax"])])
        let dossier = Dossier(propertyID: try #require(PropertyID("LA2023001")), requestID: "01JTESTREQUEST", generatedAt: Self.generatedAt,
                              sources: [("land", Self.ok("{}"))], consistency: report)
        let json = try dossier.parsed()
        #expect(json["findings"]?.encodedString() == """
            [{"code":"owner_name_mismatch","severity":"critical","message":"权利人姓名不一致 / owner name differs",\
            "sources":["land","tax"],"pointers":[{"source":"land","pointer":"/right_holder/name"},\
            {"source":"tax","pointer":"/taxpayer/name"}],"differing_sources":["tax"]}]
            """)
        #expect(json["skipped_checks"]?.encodedString() == #"[{"code":"tax_arrears","reason":"source_failed","sources":["tax"]}]"#)
    }
}
