import DepartmentStubs
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// Issue #14 end to end: the departments change their schemas without telling anyone (the issue's own
/// examples, added to a copy of the LA2023001 fixtures the stubs serve), and the clerk still sees only what the
/// views name, the auditor everything, and operators the drift.
@Suite(.endsWhatItStarts) struct SchemaChangeTests {
    /// What each department adds in the issue, and the values that must never reach a clerk.
    static let landAdditions: KeyValuePairs<String, String> = [
        "owner_alias": "王小明",
        "remark": "联系人 李雷 身份证 341502 19880314 0265 电话 139-1234-5678",
        "姓名": "钱七",
        "nаme": "孙八",  // Cyrillic а
    ]
    static let secrets = ["王小明", "李雷", "韩梅梅", "钱七", "孙八", "张老三", "李四", "341502198803140265", "13912345678",
                          "13712345678", "340102900101123", "340102199203041235", "13812345678", "340102199001011234"]

    /// A copy of the bundled fixtures with the issue's changes made to LA2023001.
    static func changedFixtures() throws -> FixtureStore {
        let folder = TestEnvironment.temporaryDirectory()
        for department in ["land", "tax", "house"] {
            let source = TestEnvironment.repositoryRoot + "/stubs/fixtures/" + department
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/" + department)
        }
        try change(folder + "/land/LA2023001.json") { land in
            for (key, value) in landAdditions { land[key] = JSON(value) }
            land["agent"] = JSON.object(["full_name": JSON("韩梅梅"), "mobile": JSON("１３７１２３４５６７８")])
            land["right_holder"]!["former_name"] = JSON("张老三")
            land["right_holder"]!["old_id_card"] = JSON("340102900101123")
        }
        try change(folder + "/tax/LA2023001.json") { tax in
            tax["payer_mobile"] = JSON("008613912345678")
            tax["assessments"]!.elements[1]["remark"] = JSON("个人购买住房暂免征收印花税，联系 138 1234 5678")
        }
        try change(folder + "/house/LA2023001.json") { house in
            house["ownership"]!["owners"]!.elements[0]["spouse"] = JSON.object(["name": JSON("李四"), "id_card": JSON("340102199203041235")])
        }
        return try FixtureStore(directory: folder)
    }

    private static func change(_ path: String, _ edit: (JSON) -> Void) throws {
        let record = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        edit(record)
        try Data(record.encoded(pretty: true)).write(to: URL(fileURLWithPath: path))
    }

    /// `text` with every decimal digit as ASCII (NFKC first), spaces, dashes and dots between them dropped and
    /// anything else a boundary: a number reads as its plain digits however it is spelled.
    static func digitForm(_ text: String) -> String {
        String(text.precomposedStringWithCompatibilityMapping.map { character -> Character in
            if let value = character.wholeNumberValue, character.isASCII || character.unicodeScalars.first!.properties.generalCategory == .decimalNumber {
                return Character(String(value))
            }
            return character.isWhitespace || "-.".contains(character) ? "\u{0}" : "|"
        }.filter { $0 != "\u{0}" })
    }

    /// The clerk is served every field it was served before, none of the new ones, and a list of what was withheld;
    /// the phone number written into a remark it does see is masked in place.
    @Test func clerkSeesOnlyTheView() async throws {
        let environment = try await TestEnvironment.start(fixtures: try Self.changedFixtures())
        let response = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(response.status == 200)
        let sources = try #require(try response.json()["sources"])
        // In document order: right_holder's new members where right_holder is, the new top-level ones at the end.
        #expect(sources["land"]?["withheld"]?.elements.compactMap(\.string) == [
            "/right_holder/former_name", "/right_holder/old_id_card", "/owner_alias", "/remark", "/姓名", "/nаme", "/agent",
        ])
        #expect(sources["tax"]?["withheld"]?.elements.compactMap(\.string) == ["/payer_mobile"])
        #expect(sources["house"]?["withheld"]?.elements.compactMap(\.string) == ["/ownership/owners/*/spouse"])
        for section in ["land", "tax", "house"] { #expect(sources[section]?["withheld_more"] == nil) }
        let body = response.bodyText, digits = Self.digitForm(response.bodyText)
        for secret in Self.secrets {
            #expect(!body.contains(secret) && !digits.contains(secret), "\(secret) reached the clerk")
        }
        // What the clerk had before is still there.
        #expect(sources["land"]?["data"]?["right_holder"]?["name"]?.string == "张*")
        #expect(sources["land"]?["data"]?["location"]?.string == "安徽省六安市金安区梅山南路88号梧桐苑")
        #expect(sources["tax"]?["data"]?["assessments"]?.elements[1]["remark"]?.string == "个人购买住房暂免征收印花税，联系 138 **** 5678")
        #expect(sources["house"]?["data"]?["ownership"]?["owners"]?.elements[0].members.map(\.key) == ["name", "id_card", "phone", "share"])
    }

    /// The auditor sees every new field as sent; drift is counted per source for every answer, whoever asked;
    /// the purpose keeps its case reference but not the ID number typed into it.
    @Test func auditorSeesEverythingAndDriftIsCounted() async throws {
        let environment = try await TestEnvironment.start(fixtures: try Self.changedFixtures())
        var headers = TestEnvironment.credentials(TestEnvironment.Key.auditor)
        headers["X-Purpose"] = "核查 341502198803140265"
        headers["X-Request-Id"] = "schema-audit-1"
        let response = try await environment.get("/v1/properties/LA2023001/dossier", headers: headers)
        #expect(response.status == 200)
        let sources = try #require(try response.json()["sources"])
        let land = try #require(sources["land"]?["data"])
        for (key, value) in Self.landAdditions { #expect(land[key]?.string == value) }
        #expect(land["agent"]?["mobile"]?.string == "１３７１２３４５６７８")
        #expect(sources["tax"]?["data"]?["payer_mobile"]?.string == "008613912345678")
        #expect(sources["house"]?["data"]?["ownership"]?["owners"]?.elements[0]["spouse"]?["id_card"]?.string == "340102199203041235")
        for section in ["land", "tax", "house"] { #expect(sources[section]?["withheld"]?.count == 0) }
        _ = try await environment.get("/v1/properties/LA2023001/dossier")

        let metrics = try await environment.get("/metrics").bodyText
        for (source, count) in [("land", 14), ("tax", 2), ("house", 2)] {
            #expect(metrics.contains(#"exchange_gateway_source_unknown_fields_total{source="\#(source)"} \#(count)"#), "\(source)")
        }
        let audit = environment.gateway.config.audit
        await environment.stop()
        let record = try #require(try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "schema-audit-1" })
        #expect(record["purpose"]?.string == "核查 341502********0265")
    }

    /// Personal numbers a department writes into fields the clerk's view serves in clear, spelled so that a reader
    /// still sees them: characters that print nothing between the digits, line breaks, Unicode dashes and small
    /// full stops, an ID number without its check character, a mobile number in a real's fraction, a key made of a
    /// phone number with joiners; and a purpose with a joined phone number. None reaches the clerk or the audit log.
    static let spelledSecrets = ["18612345679", "13566667777", "15012341234", "34150319680905017", "17712345678", "13698765432",
                                 "18900001234", "zhangsan@example.com"]

    static func spelledFixtures() throws -> FixtureStore {
        let folder = TestEnvironment.temporaryDirectory()
        for department in ["land", "tax", "house"] {
            try FileManager.default.copyItem(atPath: TestEnvironment.repositoryRoot + "/stubs/fixtures/" + department,
                                            toPath: folder + "/" + department)
        }
        try change(folder + "/land/LA2023001.json") { land in
            land["location"] = JSON("安徽省六安市金安区梅山南路88号梧桐苑 联系 186\u{200B}1234\u{200B}5679")
            land["registration_agency"] = JSON("六安市不动产登记中心 经办 34150319680905017Y")
            land["parcel_area_m2"] = JSON(0.13566667777)
            land["135\u{200D}6666\u{200D}7777"] = JSON("x")
        }
        try change(folder + "/tax/LA2023001.json") { tax in
            tax["assessments"]!.elements[1]["remark"] = JSON("联系\n150\n1234\n1234，邮箱 zhang\u{200B}san@example.com")
        }
        try change(folder + "/house/LA2023001.json") { house in
            house["seizure"]!["court"] = JSON("六安市叶集区人民法院 177⸺1234⸺5678")
            house["building"]!["address"] = JSON("安徽省六安市金安区梅山南路88号 136﹒9876﹒5432")
        }
        return try FixtureStore(directory: folder)
    }

    /// `value`'s keys and strings decoded, numbers as written, with what prints nothing dropped: what a reader sees.
    static func visibleText(_ value: JSON) -> String {
        let text: String = switch value.kind {
        case .object: value.members.map { $0.key + "|" + visibleText($0.value) }.joined(separator: "|")
        case .array: value.elements.map(visibleText).joined(separator: "|")
        case .string: value.string!
        default: value.encodedString()
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            let category = scalar.properties.generalCategory
            return !([.format, .nonspacingMark, .enclosingMark].contains(category) || scalar.properties.isDefaultIgnorableCodePoint
                     || (category == .control && !scalar.properties.isWhitespace))
        }))
    }

    @Test func spelledNumbersReachNoClerk() async throws {
        let environment = try await TestEnvironment.start(fixtures: try Self.spelledFixtures())
        var headers = TestEnvironment.credentials()
        headers["X-Purpose"] = "核查 189\u{200D}0000\u{200D}1234"
        headers["X-Request-Id"] = "schema-spelled-1"
        let response = try await environment.get("/v1/properties/LA2023001/dossier", headers: headers)
        #expect(response.status == 200)
        let dossier = try response.json()
        let visible = Self.visibleText(dossier)
        let digits = Self.digitForm(visible.replacing("⸺", with: "-")), lowered = visible.precomposedStringWithCompatibilityMapping.lowercased()
        for secret in Self.spelledSecrets {
            #expect(!digits.contains(secret) && !lowered.contains(secret), "\(secret) reached the clerk")
        }
        #expect(dossier["sources"]?["land"]?["withheld"]?.elements.compactMap(\.string) == ["/135\u{200D}****\u{200D}7777"])
        #expect(dossier["sources"]?["land"]?["data"]?["parcel_area_m2"]?.string == "0.135****7777")
        let audit = environment.gateway.config.audit
        await environment.stop()
        let record = try #require(try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "schema-spelled-1" })
        #expect(record["purpose"]?.string == "核查 189\u{200D}****\u{200D}1234")
    }

    /// Each drift path is logged once per source, at info, with no value; later answers only count.
    @Test(.timeLimit(.minutes(1))) func driftIsLoggedOncePerPath() async throws {
        let stubs = try await DepartmentStubs(fixtures: try Self.changedFixtures())
        defer { Task { await stubs.shutdown() } }
        let gateway = try await GatewayProcessSetup(for: stubs).start()
        for _ in 0..<3 {
            #expect(try await httpGet(gateway.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200)
        }
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)
        let log = gateway.standardError()
        let lines = log.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }
        let drift = lines.filter { $0["msg"]?.string == "unknown field from department" }
        let logged = drift.map { ($0["source"]?.string ?? "", $0["path"]?.string ?? "") }
        #expect(drift.allSatisfy { $0["level"]?.string == "info" && $0.members.map(\.key).sorted() == ["level", "msg", "path", "source", "time"] })
        #expect(Set(logged.map { "\($0.0) \($0.1)" }).count == logged.count, "a path logged twice")
        for expected in [("land", "/owner_alias"), ("land", "/agent"), ("land", "/nаme"), ("land", "/right_holder/old_id_card"),
                         ("tax", "/payer_mobile"), ("house", "/ownership/owners/*/spouse")] {
            #expect(logged.contains { $0 == expected }, "\(expected) not logged")
        }
        for secret in Self.secrets { #expect(!log.contains(secret), "\(secret) in the log") }
    }
}
