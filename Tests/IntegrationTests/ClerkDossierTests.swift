import DepartmentStubs
import GatewayCore
import GatewayJSON
import Testing

/// Issue #9 end to end: source policy and the bundled consistency checks over the stubs.
@Suite(.endsWhatItStarts) struct ClerkDossierTests {
    /// The bundled checks, and tax as a required source.
    static func config(for stubs: DepartmentStubs) -> GatewayConfig {
        var config = TestEnvironment.config(for: stubs)
        config.checks = TestEnvironment.bundledChecks
        config.sources[1].policy = .required
        return config
    }

    static func environment() async throws -> TestEnvironment {
        try await shared.value
    }

    private static let shared = TestEnvironment.startShared(configure: config)

    /// A failing required source fails the dossier with its own status, and every section is still there.
    @Test(arguments: [(Fault.timeout, 504), (Fault.notFound, 404), (Fault.serverError, 502), (Fault.reset, 502), (Fault.badJSON, 502)])
    func requiredSourceFailureFailsDossier(_ fault: Fault, _ expected: Int) async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/\(fault.propertyID(for: .tax))/dossier")
        #expect(response.status == expected)
        #expect(response.headers["x-dossier-complete"] == "false")
        let dossier = try response.json()
        #expect(dossier["sources"]?.members.map(\.key) == ["land", "tax", "house"])
        #expect(dossier["sources"]?["land"]?["status"]?.string == "ok")
        #expect(dossier["sources"]?["land"]?["data"]?["right_holder"]?["name"]?.string == "张*")
    }

    /// An optional source failing keeps the SPEC rule: 200, incomplete.
    @Test(arguments: [Department.land, .house])
    func optionalSourceFailureKeeps200(_ department: Department) async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/\(Fault.serverError.propertyID(for: department))/dossier")
        #expect(response.status == 200)
        #expect(response.headers["x-dossier-complete"] == "false")
    }

    /// A required source left out by `?sources=` does not fail the dossier.
    @Test func unrequestedRequiredSourceDoesNotCount() async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/LA2023001/dossier?sources=land,house")
        #expect(response.status == 200)
        #expect(response.headers["x-dossier-complete"] == "true")
        let skipped = try #require(try response.json()["skipped_checks"]).elements
        #expect(skipped.contains { $0["code"]?.string == "tax_arrears" && $0["reason"]?.string == "source_not_requested" })
    }

    /// Each fixture gets exactly the findings its data warrants, with no value in them.
    @Test(arguments: [
        ("LA2023001", [String]()),
        ("LA2023003", ["tax_arrears"]),
        ("LA2023101", ["owner_name_mismatch"]),
        ("LA2023102", ["owner_id_card_mismatch"]),
        ("LA2023103", ["land_area_implausible"]),
        ("LA2023104", ["house_property_id_mismatch"]),
        ("LA2023105", []),
    ])
    func findings(_ id: String, _ expected: [String]) async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/\(id)/dossier")
        #expect(response.status == 200)
        let dossier = try response.json()
        #expect(dossier["findings"]?.elements.compactMap { $0["code"]?.string } == expected)
        #expect(dossier["skipped_checks"]?.count == 0)
        let findings = dossier["findings"]!.encodedString()
        for secret in ["张三", "张珊", "340102199001011234", "340102199001011243"] { #expect(!findings.contains(secret)) }
    }

    /// The land-only role cannot see tax or house: their checks are skipped, never findings,
    /// even for a property whose tax and house records disagree with land.
    @Test func notPermittedSourcesSkipChecks() async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/LA2023101/dossier", headers: TestEnvironment.credentials(TestEnvironment.Key.landOnly))
        #expect(response.status == 200)
        let dossier = try response.json()
        #expect(dossier["findings"]?.count == 0)
        let skipped = try #require(dossier["skipped_checks"]).elements
        #expect(skipped.first { $0["code"]?.string == "owner_name_mismatch" }?["reason"]?.string == "source_not_permitted")
    }

    /// A fault in tax skips the checks that read tax, and raises no false finding.
    @Test func failingSourceSkipsChecks() async throws {
        let environment = try await Self.environment()
        let response = try await environment.get("/v1/properties/\(Fault.serverError.propertyID(for: .tax))/dossier")
        let dossier = try response.json()
        #expect(dossier["findings"]?.count == 0)
        #expect(dossier["skipped_checks"]?.elements.map { $0["reason"]?.string } == Array(repeating: "source_failed", count: 4))
    }
}
