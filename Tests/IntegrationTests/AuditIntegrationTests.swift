import DepartmentStubs
import Foundation
import Gateway
import GatewayCore
import GatewayJSON
import Testing

/// SPEC §5 through a real gateway: every access is on disk before its answer, the log
/// fails closed, and it survives `kill -9`.
@Suite(.endsWhatItStarts) struct AuditIntegrationTests {
    /// The lines of every audit file of `audit`, parsed.
    static func records(_ audit: AuditConfig) throws -> [JSON] {
        let names = try FileManager.default.contentsOfDirectory(atPath: audit.directory).filter(audit.isLogFile).sorted()
        return try names.flatMap { name in
            try String(contentsOfFile: audit.directory + "/" + name, encoding: .utf8)
                .split(separator: "\n").map { try JSON.parse(String($0)) }
        }
    }

    /// A dossier and a refusal each leave one record naming who, why, what and the outcome — and no personal data.
    @Test func everyAccessIsRecorded() async throws {
        let environment = try await TestEnvironment.start()
        let audit = environment.gateway.config.audit
        var headers = TestEnvironment.credentials()
        headers["X-Request-Id"] = "audit-ok-1"
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: headers).status == 200)
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: ["X-Request-Id": "audit-401-1"]).status == 401)
        await environment.stop()

        let records = try Self.records(audit)
        let access = try #require(records.first { $0["request_id"]?.string == "audit-ok-1" })
        #expect(access["type"]?.string == "access")
        #expect(access["client"]?.string == "desk-1")
        #expect(access["role"]?.string == "clerk")
        #expect(access["purpose"]?.string == "登记案件 2026-0042")
        #expect(access["property_id"]?.string == "LA2023001")
        #expect(access["http_status"]?.integer == 200)
        #expect(access["trace_id"]?.string == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(access["sources"]?.elements.map { $0["status"]?.string } == ["ok", "ok", "ok"])
        let refused = try #require(records.first { $0["request_id"]?.string == "audit-401-1" })
        #expect(refused["http_status"]?.integer == 401)
        #expect(refused["client"]?.isNull == true)
        let text = records.map { $0.encodedString() }.joined()
        for secret in ["张三", "340102199001011234", "13812345678", TestEnvironment.Key.clerk] {
            #expect(!text.contains(secret), "\(secret) is in the audit log")
        }
        // No signing key here, so no checkpoints: the log opened, exactly the two requests, and it closed.
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "access", "closed"])
    }

    /// Unwritable audit log: 503 without data and not ready; writable again: ready and 200, by itself.
    /// (An audit folder that cannot be written stops the start; a log that cannot be opened in a
    /// writable folder does not, and recovers by itself.)
    @Test func auditFailsClosedAndRecovers() async throws {
        let (audit, blocker) = try TestEnvironment.unopenableAudit()
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit) }

        let refused = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(refused.status == 503)
        #expect(try refused.json()["type"]?.string == "urn:exchange-gateway:problem:audit-unavailable")
        #expect(!refused.bodyText.contains("梧桐苑"), "no department data without an audit record")
        #expect(try await environment.get("/readyz").status == 503)

        try FileManager.default.removeItem(atPath: blocker)
        var ready = false
        for _ in 0..<50 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = try await environment.get("/readyz").status == 200
        }
        #expect(ready, "readiness did not recover")
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200)
    }

    /// Under concurrent load, `kill -9`; after a restart every request that was answered 200
    /// is in the log, and the whole log verifies.
    @Test(.timeLimit(.minutes(2))) func survivesKillNine() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let setup = try GatewayProcessSetup(for: stubs)
        let port = setup.port, folder = setup.folder
        let first = try await setup.start()
        let answered = Collected<String>()
        let load = (0..<8).map { worker in
            Task {
                let connection = try RawHTTPConnection(port: port)
                for index in 0..<10_000 {
                    var headers = TestEnvironment.credentials()
                    headers["X-Request-Id"] = "kill9-\(worker)-\(index)"
                    guard let response = try? await connection.send("GET", "/v1/properties/LA2023002/dossier", headers: headers) else { return }
                    if response.status == 200 { answered.add("kill9-\(worker)-\(index)") }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        first.kill(signal: SIGKILL)
        for task in load { _ = await task.result }
        #expect(answered.count > 20, "too little load before the kill: \(answered.count)")

        let second = try await setup.start()
        #expect(try await httpGet(port, "/v1/properties/LA2023003/dossier", headers: TestEnvironment.credentials()).status == 200)
        second.kill(signal: SIGTERM)
        #expect(second.waitForExit() == 0)

        let audit = AuditConfig(path: folder + "/audit.jsonl")
        let logged = Set(try Self.records(audit).compactMap { $0["request_id"]?.string })
        let missing = Set(answered.all).subtracting(logged)
        #expect(missing.isEmpty, "answered 200 but not in the audit log: \(missing.sorted().prefix(5))")
        let verify = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", folder + "/signing.pub", folder])
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
        #expect(verify.output.contains("intact"))
        // The killed run is shown as an unclean end; the run after it closed cleanly.
        #expect(verify.output.contains("earlier runs that ended uncleanly"), "\(verify.output)")
        #expect(verify.output.contains("closed cleanly"), "\(verify.output)")
    }
}
