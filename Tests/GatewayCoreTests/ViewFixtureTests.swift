import Testing
import GatewayCore
import GatewayJSON

/// The shipped views (config/gateway.json) over every bundled fixture of every department.
struct ViewFixtureTests {
    static let roles = try! GatewayConfig.load(path: Repository.bundledConfig).roles

    static let fixtures: [(department: String, id: String)] = ["land", "tax", "house"].flatMap { department in
        [
            "LA2023001", "LA2023002", "LA2023003", "LA2023004", "LA2023005", "LA2023101", "LA2023102", "LA2023103", "LA2023104",
            "LA2023105", "341502001001GB00001F00010001", "341503002003GB00012F00020003", "341522001004GB00045F00010002",
        ].compactMap { id in Repository.fixtureBytes(department, id) == nil ? nil : (department, id) }
    }

    static func fixture(_ department: String, _ id: String) throws -> JSON {
        try JSON.parse(try #require(Repository.fixtureBytes(department, id), "\(department)/\(id)"))
    }

    /// The fixture as `role` is served it (`ViewWriter`), read by jansson, and what the view reported.
    static func served(_ department: String, _ id: String, to role: String) throws -> (data: JSON, withheld: DistinctPaths, drift: DistinctPaths) {
        let view = try #require(Self.roles[role]).view(for: department)
        let outcome = SourceOutcome.answered(try #require(Repository.fixtureBytes(department, id)), source: department, view: view)
        return (try #require(outcome.parsedData), outcome.withheld, outcome.drift)
    }

    /// Strings under the personal keys, at any depth.
    static func personalValues(_ value: JSON) -> [String] {
        var found: [String] = []
        for (key, member) in value.members {
            if ["name", "id_card", "phone", "taxpayer_id"].contains(key), let text = member.string { found.append(text) }
            found += personalValues(member)
        }
        for element in value.elements { found += personalValues(element) }
        return found
    }

    /// Every path of `value` that holds a scalar, written as a view writes it (`*` for indices).
    static func scalarPaths(_ value: JSON, _ prefix: String = "") -> Set<String> {
        switch value.kind {
        case .object: value.members.reduce(into: []) { $0.formUnion(scalarPaths($1.value, prefix + "/" + $1.key)) }
        case .array: value.elements.reduce(into: []) { $0.formUnion(scalarPaths($1, prefix + "/*")) }
        default: [prefix]
        }
    }

    /// The twelve files there are for each department (tax has no LA2023005).
    @Test func allFixturesCovered() {
        #expect(Self.fixtures.count == 38)
    }

    /// The clerk is served every field of every fixture, withholds nothing, sees no drift, and sees no owner's
    /// name, ID or phone number.
    @Test(arguments: fixtures.map { "\($0.department)/\($0.id)" })
    func clerkGetsEveryFieldAndNoPersonalValue(_ file: String) throws {
        let (department, id) = (String(file.split(separator: "/")[0]), String(file.split(separator: "/")[1]))
        let data = try Self.fixture(department, id)
        let originals = Self.personalValues(data)
        #expect(!originals.isEmpty)
        let paths = Self.scalarPaths(data)
        let served = try Self.served(department, id, to: "clerk")
        #expect(served.withheld.listed.isEmpty, "\(file): \(served.withheld.listed)")
        #expect(served.drift.occurrences == 0, "\(file): \(served.drift.listed)")
        #expect(Self.scalarPaths(served.data) == paths)
        let encoded = served.data.encodedString()
        for original in originals { #expect(!encoded.contains(original), "\(file): \(original) leaked") }
    }

    /// The auditor is served every fixture exactly as the department sent it, byte for byte but for white space.
    @Test(arguments: fixtures.map { "\($0.department)/\($0.id)" })
    func auditorGetsEverything(_ file: String) throws {
        let (department, id) = (String(file.split(separator: "/")[0]), String(file.split(separator: "/")[1]))
        let outcome = SourceOutcome.answered(try #require(Repository.fixtureBytes(department, id)), source: department,
                                             view: try #require(Self.roles["auditor"]).view(for: department))
        // The fixtures' numbers are in their shortest form: jansson writes them as sent.
        #expect(outcome.data == (try Self.fixture(department, id)).encoded())
        #expect(outcome.withheld.listed.isEmpty && outcome.drift.occurrences == 0)
    }

    /// What a registration clerk works with is there, exactly: the fixtures' non-personal fields in clear,
    /// the owners masked as before.
    @Test func clerkKnownValues() throws {
        let land = try Self.served("land", "LA2023004", to: "clerk").data
        #expect(land["certificate_number"]?.string == "皖(2021)舒城县不动产权第0006214号")
        #expect(land["mortgage"]?["mortgagee"]?.string == "中国农业银行股份有限公司舒城县支行")
        #expect(land["mortgage"]?["secured_amount_cny"]?.number == 800000)
        #expect(land["unit_number"]?.string == "341523101003GB00412F00010001")
        let house = try Self.served("house", "LA2023002", to: "clerk").data
        #expect(house["ownership"]?["owners"]?.elements.map { $0["name"]?.string } == ["李*", "王*"])
        #expect(house["ownership"]?["owners"]?.elements.map { $0["share"]?.number } == [0.5, 0.5])
        #expect(house["ownership"]?["owners"]?.elements.first?["id_card"]?.string == "341502********0265")
        #expect(house["contract_record_number"]?.string == "HT341502201900936154")
        #expect(house["building"]?["address"]?.string == "安徽省六安市金安区皖西大道216号锦绣江南12幢801室")
        let tax = try Self.served("tax", "LA2023001", to: "clerk").data
        #expect(tax["taxpayer"]?["taxpayer_id"]?.string == "340102********1234")
        #expect(tax["taxpayer"]?["phone"]?.string == "138****5678")
        #expect(tax["assessments"]?.elements.first?["voucher_number"]?.string == "334150221080016523")
        #expect(tax["assessments"]?.elements.last?["remark"]?.string == "个人购买住房暂免征收印花税")
        #expect(tax["tax_authority"]?.string == "国家税务总局六安市金安区税务局")
        // A voucher number that is also a valid ID number (check digit and all) is masked: the detector cannot
        // tell them apart, and fails closed.
        let arrears = try Self.served("tax", "LA2023003", to: "clerk").data
        #expect(arrears["assessments"]?.elements.map { $0["voucher_number"]?.string }.contains("334150********2316") == true)
    }

    /// land_records reads land only, with the mortgagee withheld (redact: no drift).
    @Test func landRecordsWithholdsMortgagee() throws {
        let landRecords = try #require(Self.roles["land_records"])
        #expect(landRecords.sources == ["land"])
        let (land, withheld, drift) = try Self.served("land", "LA2023004", to: "land_records")
        #expect(land["mortgage"]?["mortgagee"] == nil)
        #expect(land["mortgage"]?["status"]?.string == "抵押中")
        #expect(land["right_holder"]?["name"]?.string?.hasSuffix("*") == true)
        #expect(withheld.listed == ["/mortgage/mortgagee"])
        #expect(drift.occurrences == 0)
    }
}
