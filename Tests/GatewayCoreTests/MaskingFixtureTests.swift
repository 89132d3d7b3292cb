import Testing
import GatewayCore
import GatewayJSON

/// Masking over the departments' real fixture bodies.
struct MaskingFixtureTests {
    static let clerk = MaskingPolicy(
        rules: ["name": .name, "id_card": .idCard, "phone": .phone, "taxpayer_id": .idCard],
        detectPII: true, hmacKey: nil)

    static func fixture(_ department: String, _ id: String) throws -> JSON {
        let bytes = try #require(Repository.fixtureBytes(department, id), "\(department)/\(id)")
        return try JSON.parse(bytes)
    }

    /// Strings under the personal keys, at any depth.
    static func personalValues(_ value: JSON) -> [String] {
        var found: [String] = []
        for (key, member) in value.members {
            if ["name", "id_card", "phone", "taxpayer_id"].contains(key), let text = member.string {
                found.append(text)
            }
            found += personalValues(member)
        }
        for element in value.elements { found += personalValues(element) }
        return found
    }

    /// The fixture ID 340102199001011234 has an invalid check digit: the detector would let it
    /// through, so only the key rule protects it, and it does.
    @Test func fixtureIDHasInvalidCheckDigit() {
        #expect(PIIDetector.maskEmbedded(in: "340102199001011234") == "340102199001011234")
        #expect(Masking.masked(JSON("340102199001011234"), by: .idCard, hmacKey: nil)?.string == "340102********1234")
    }

    /// A dossier-like object from house/LA2023002 and tax/LA2023001 shows no name, ID or phone
    /// of either file once masked for a clerk.
    @Test func dossierLeaksNothing() throws {
        let house = try Self.fixture("house", "LA2023002")
        let tax = try Self.fixture("tax", "LA2023001")
        let originals = Self.personalValues(house) + Self.personalValues(tax)
        for expected in ["李娜", "王强", "341502198803140265", "341502198607220516", "15955012368", "18856427731",
                         "张三", "340102199001011234", "13812345678"] {
            #expect(originals.contains(expected))
        }
        let dossier = JSON.object([
            "property_id": JSON("LA2023002"),
            "sources": JSON.object([
                "house": JSON.object(["status": JSON("ok"), "data": house]),
                "tax": JSON.object(["status": JSON("ok"), "data": tax]),
            ]),
        ])
        Masking.apply(Self.clerk, to: dossier)
        let encoded = dossier.encodedString()
        for original in originals {
            #expect(!encoded.contains(original), "\(original) leaked")
        }
        #expect(dossier["sources"]?["house"]?["data"]?["ownership"]?["owners"]?.elements.map { $0["name"]?.string }
            == ["李*", "王*"])
        #expect(dossier["sources"]?["tax"]?["data"]?["taxpayer"]?["taxpayer_id"]?.string == "340102********1234")
        #expect(dossier["sources"]?["tax"]?["data"]?["tax_authority"]?.string == "国家税务总局六安市金安区税务局")
        #expect(dossier["sources"]?["house"]?["data"]?["contract_record_number"]?.string == "HT341502201900936154")
    }

    /// Every fixture of every department, masked for a clerk, keeps none of its personal values.
    @Test(arguments: ["land", "tax", "house"], [
        "LA2023001", "LA2023002", "LA2023003", "LA2023004", "LA2023005",
        "341502001001GB00001F00010001", "341503002003GB00012F00020003", "341522001004GB00045F00010002",
    ])
    func everyFixtureLeaksNothing(_ department: String, _ id: String) throws {
        guard department != "tax" || id != "LA2023005" else { return }  // tax has no LA2023005
        let data = try Self.fixture(department, id)
        let originals = Self.personalValues(data)
        #expect(!originals.isEmpty)
        Masking.apply(Self.clerk, to: data)
        let encoded = data.encodedString(pretty: true)
        for original in originals {
            #expect(!encoded.contains(original), "\(department)/\(id): \(original) leaked")
        }
    }
}
