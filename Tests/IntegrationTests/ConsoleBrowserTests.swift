import Foundation
import GatewayCore
import Testing

/// The clerks' console in a real headless Chromium (Tests/console/console_test.py, Selenium).
/// It fails, not skips, when the browser or Selenium is missing: `bash .ci/install-test-tools`
/// installs them.
@Suite(.endsWhatItStarts) struct ConsoleBrowserTests {
    static let script = TestEnvironment.repositoryRoot + "/Tests/console/console_test.py"
    /// Where the screenshot goes (`.build-*` is ignored by git).
    static let artifacts = TestEnvironment.repositoryRoot + "/.build-test-artifacts"

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

    /// A clerk looks up LA2023001 (three ok cards, no findings), LA2023101 (a critical
    /// finding), a tax timeout (its message) and LA2023005 (findings and a not_found card,
    /// screenshot), then a wrong key (the 401 message); nothing of the key is stored.
    @Test(.timeLimit(.minutes(2))) func clerkUsesConsoleInChromium() async throws {
        let python = try ExternalTool.venv("python")
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] { _ = try ExternalTool.system(tool) }
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.checks = TestEnvironment.bundledChecks
            return config
        }
        try? FileManager.default.removeItem(atPath: Self.artifacts + "/console.png")
        let run = try await python.run([Self.script, "--url", "http://127.0.0.1:\(environment.gateway.port)",
                                        "--key", TestEnvironment.Key.clerk, "--out", Self.artifacts], timeLimit: .seconds(90))
        print("console browser test: \(run.output.trimmingCharacters(in: .whitespacesAndNewlines)) (artifacts in \(Self.artifacts))")
        #expect(run.status == 0, "\(run)")
        #expect(FileManager.default.fileExists(atPath: Self.artifacts + "/console.png"))
    }
}
