@testable import Gateway
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// HEAD on every GET route, `/` to the console, the console's settings, and who the gateway
/// says the caller is.
@Suite(.endsWhatItStarts) struct RoutingTests {
    static let getRoutes = GatewayRouter.Route.allCases.filter { $0.pathTemplate != nil && $0.methods.contains("GET") }

    /// HEAD answers as GET does, headers and all, with no body: a GET on the same connection
    /// right after it is read cleanly, so not a byte of a body was sent.
    @Test(arguments: getRoutes)
    func headAnswersLikeGet(_ route: GatewayRouter.Route) async throws {
        #expect(route.methods.contains("HEAD"))
        let environment = try await TestEnvironment.shared()
        let path = try #require(route.pathTemplate).replacing("{property_id}", with: "LA2023001")
        let connection = try RawHTTPConnection(port: environment.gateway.port)
        let get = try await connection.send("GET", path, headers: TestEnvironment.credentials())
        let head = try await connection.send("HEAD", path, headers: TestEnvironment.credentials())
        #expect(head.status == get.status)
        #expect(head.body.isEmpty)
        for name in ["content-type", "cache-control", "content-security-policy", "x-dossier-complete", "location", "x-client-id"] {
            #expect(head.headers[name] == get.headers[name], "\(name)")
        }
        #expect(head.headers["x-request-id"] != nil)
        let after = try await connection.send("GET", "/healthz")
        #expect(after.status == 200 && (try? after.json()["status"]?.string) == "ok")
    }

    /// `/` sends the clerk to the console.
    @Test func rootRedirectsToConsole() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/", headers: [:])
        #expect(response.status == 302)
        #expect(response.headers["location"] == "/console")
        #expect(response.headers["cache-control"] == "no-store")
        let other = try await environment.get("/console/", headers: [:])
        #expect(other.status == 404)
    }

    /// The console's settings: the idle time, every label and every check's message of the
    /// config, in config order, without a key; a reload changes them.
    @Test func consoleSettingsComeFromConfig() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.checks = TestEnvironment.bundledChecks
            for index in config.sources.indices {
                config.sources[index].labels = TestEnvironment.bundledLabels[config.sources[index].name] ?? []
            }
            config.console = ConsoleConfig(idleSignOutSeconds: 42)
            return config
        }
        let response = try await environment.get("/console/settings.json", headers: [:])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        let settings = try response.json()
        #expect(settings["idle_sign_out_s"]?.integer == 42)
        #expect(settings["sources"]?.members.map(\.key) == ["land", "tax", "house"])
        let houseName = settings["sources"]?["house"]?["labels"]?["/ownership/owners/*/name"]
        #expect(houseName?["zh"]?.string == "姓名" && houseName?["en"]?.string == "Name")
        let landLabels = try #require(settings["sources"]?["land"]?["labels"]?.members.map(\.key))
        #expect(landLabels == TestEnvironment.bundledLabels["land"]?.map(\.pointer))
        #expect(settings["checks"]?.members.map(\.key) == TestEnvironment.bundledChecks.checks.map(\.code))
        #expect(settings["checks"]?["owner_name_mismatch"]?["message"]?.string == "权利人姓名不一致 / owner name differs between departments")

        var reloaded = environment.gateway.config
        reloaded.console = ConsoleConfig(idleSignOutSeconds: 7)
        reloaded.sources[0].labels = [FieldLabel(pointer: "/unit_number", chinese: "单元号", english: "Unit")]
        try environment.gateway.reload(reloaded)
        let after = try await environment.get("/console/settings.json", headers: [:]).json()
        #expect(after["idle_sign_out_s"]?.integer == 7)
        #expect(after["sources"]?["land"]?["labels"]?.members.map(\.key) == ["/unit_number"])
    }

    /// An authenticated caller is told its client id and role (the console's "signed in as");
    /// a caller without a valid key is told nothing.
    @Test func answersNameTheClient() async throws {
        let environment = try await TestEnvironment.shared()
        let dossier = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(dossier.headers["x-client-id"] == "desk-1" && dossier.headers["x-client-role"] == "clerk")
        let badPurpose = try await environment.get("/v1/properties/LA2023001/dossier", headers: ["Authorization": "Bearer \(TestEnvironment.Key.auditor)"])
        #expect(badPurpose.status == 400)
        #expect(badPurpose.headers["x-client-id"] == "audit-1" && badPurpose.headers["x-client-role"] == "auditor")
        let batch = try await environment.post("/v1/dossiers:batch", body: #"{"property_ids": ["LA2023001"]}"#)
        #expect(batch.status == 200 && batch.headers["x-client-id"] == "desk-1")
        let unknown = try await environment.get("/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials("no-such-key"))
        #expect(unknown.status == 401)
        #expect(unknown.headers["x-client-id"] == nil && unknown.headers["x-client-role"] == nil)
    }
}
