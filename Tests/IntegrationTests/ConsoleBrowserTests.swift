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
    static let screenshots = ["console.png", "findings.png", "loading.png", "print.png", "batch.png", "signed-out.png", "case-file.pdf"]

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

    /// A clerk signs in by looking up LA2023001 (labels, local time, "signed in as"), LA2023101
    /// (the tax bureau is the odd one out, the compared fields are marked, no green badge), a
    /// slow tax timeout (the old dossier goes, each department waits), LA2023005 and an id no
    /// department knows; prints a case file; runs a batch of five (a table, each row opens its
    /// dossier); uses the recent lookups; signs out; tries a wrong key; and, on a second gateway,
    /// leaves the page idle until it signs itself out. Nothing of the key is stored.
    ///
    /// The case file's SHA-256 is the answer's `Content-Digest`: when the audit record of the
    /// printed request has `body_sha256`, the page must show exactly that; while the gateway sends
    /// no digest (and records none), the page shows none.
    @Test(.timeLimit(.minutes(3))) func clerkUsesConsoleInChromium() async throws {
        let python = try ExternalTool.venv("python")
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] { _ = try ExternalTool.system(tool) }
        let environment = try await TestEnvironment.start { Self.consoleConfig($0, idleSeconds: 300) }
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
        let requestID = try #require(caseFile["request_id"]?.string)
        let audit = environment.gateway.config.audit
        await environment.stop()
        let record = try #require(try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == requestID })
        #expect(caseFile["digest"]?.string == record["body_sha256"]?.string,
                "the printed SHA-256 is the one the audit log keeps for \(requestID)")
    }
}
