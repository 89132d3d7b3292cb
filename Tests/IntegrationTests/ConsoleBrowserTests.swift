import DepartmentStubs
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// The clerks' console in a real headless Chromium (Tests/console/console_test.py, Selenium).
/// It fails, not skips, when the browser or Selenium is missing: `bash .ci/install-test-tools`
/// installs them.
@Suite(.endsWhatItStarts) struct ConsoleBrowserTests {
    static let script = TestEnvironment.repositoryRoot + "/Tests/console/console_test.py"
    /// Where the screenshots go (`.build-*` is ignored by git).
    static let artifacts = TestEnvironment.repositoryRoot + "/.build-test-artifacts"
    static let screenshots = ["console.png", "findings.png", "loading.png", "withheld.png", "print.png", "batch.png", "signed-out.png",
                              "case-file.pdf"]

    /// The page, its script and its style sheet load without a key, under the console's CSP.
    @Test(arguments: [("/console", "text/html"), ("/console/app.js", "text/javascript"), ("/console/app.css", "text/css")])
    func assetsAreServed(_ path: String, _ type: String) async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get(path, headers: [:])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == type + "; charset=utf-8")
        let policy = try #require(response.headers["content-security-policy"])
        #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
        #expect(!policy.contains("unsafe-inline"))
        #expect(!response.bodyText.contains("http://") && !response.bodyText.contains("https://"), "nothing is loaded from elsewhere")
    }

    /// The bundled checks and labels, and an idle time.
    static func consoleConfig(_ stubs: DepartmentStubs, idleSeconds: Int) -> GatewayConfig {
        var config = TestEnvironment.config(for: stubs)
        config.checks = TestEnvironment.bundledChecks
        for index in config.sources.indices {
            config.sources[index].labels = TestEnvironment.bundledLabels[config.sources[index].name] ?? []
        }
        config.console = ConsoleConfig(idleSignOutSeconds: idleSeconds)
        return config
    }

    /// The bundled fixtures, but LA2023002's house record carries three fields no view names (an
    /// owner's spouse, a loan, a building's lift), so the gateway withholds them from the clerk and
    /// says so in the section's `withheld`.
    static func fixturesWithUnnamedFields() throws -> FixtureStore {
        let folder = TestEnvironment.temporaryDirectory()
        for department in ["land", "tax", "house"] {
            try FileManager.default.copyItem(atPath: TestEnvironment.repositoryRoot + "/stubs/fixtures/" + department,
                                             toPath: folder + "/" + department)
        }
        let path = folder + "/house/LA2023002.json"
        let house = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        house["ownership"]!["owners"]!.elements[0]["spouse"] = JSON("李四")
        house["loan"] = JSON.object(["bank": JSON("中国建设银行"), "amount_cny": JSON(500000)])
        house["building"]!["elevator"] = JSON(true)
        try Data(house.encoded(pretty: true)).write(to: URL(fileURLWithPath: path))
        return try FixtureStore(directory: folder)
    }

    /// A clerk signs in by looking up LA2023001 (labels, local time, "signed in as"), LA2023101
    /// (the tax bureau is the odd one out, the compared fields are marked, no green badge), a
    /// slow tax timeout (the old dossier goes, each department waits), LA2023005 and an id no
    /// department knows, and LA2023002 (fields withheld from the clerk); prints a case file; runs a
    /// batch of five (a table, each row opens its dossier) and prints it; uses the recent lookups;
    /// signs out; tries a wrong key; and, on a second gateway, leaves the page idle until it signs
    /// itself out. Nothing of the key is stored.
    ///
    /// The case files' SHA-256 is the answer's `Content-Digest`, shown as hex: the printed dossier's
    /// and the printed batch's must be exactly the `body_sha256` the audit log keeps for their request ids.
    @Test(.timeLimit(.minutes(3))) func clerkUsesConsoleInChromium() async throws {
        let python = try ExternalTool.venv("python")
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] { _ = try ExternalTool.system(tool) }
        let environment = try await TestEnvironment.start(fixtures: try Self.fixturesWithUnnamedFields()) {
            Self.consoleConfig($0, idleSeconds: 300)
        }
        let idle = try await TestEnvironment.start { Self.consoleConfig($0, idleSeconds: 3) }
        for file in Self.screenshots { try? FileManager.default.removeItem(atPath: Self.artifacts + "/" + file) }
        let run = try await python.run([Self.script, "--url", "http://127.0.0.1:\(environment.gateway.port)",
                                        "--idle-url", "http://127.0.0.1:\(idle.gateway.port)",
                                        "--key", TestEnvironment.Key.clerk, "--client", "desk-1", "--role", "clerk",
                                        "--out", Self.artifacts], timeLimit: .seconds(150))
        print("console browser test: \(run.output.trimmingCharacters(in: .whitespacesAndNewlines)) (artifacts in \(Self.artifacts))")
        #expect(run.status == 0, "\(run)")
        for file in Self.screenshots {
            #expect(FileManager.default.fileExists(atPath: Self.artifacts + "/" + file), "\(file)")
        }

        let line = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("CASE-FILE ") })
        let caseFile = try JSON.parse(String(line.dropFirst("CASE-FILE ".count)))
        let audit = environment.gateway.config.audit
        await environment.stop()
        let records = try AuditIntegrationTests.records(audit)
        for (idKey, digestKey) in [("request_id", "digest"), ("batch_request_id", "batch_digest")] {
            let requestID = try #require(caseFile[idKey]?.string)
            let record = try #require(records.first { $0["request_id"]?.string == requestID }, "\(idKey) \(requestID)")
            let printed = try #require(caseFile[digestKey]?.string, "the case file of \(requestID) shows no SHA-256")
            #expect(printed == record["body_sha256"]?.string, "the printed SHA-256 is the one the audit log keeps for \(requestID)")
        }
    }
}
