import DepartmentStubs
import Foundation
import Testing

/// The gateway as an operator runs it: a process that drains on SIGTERM and reloads on SIGHUP.
@Suite(.endsWhatItStarts) struct OperationsTests {
    /// SIGTERM under load: every request that was answered got a whole answer (200, or 503
    /// while draining), the process exits 0, and the audit log verifies with every 200 in it.
    @Test(.timeLimit(.minutes(1))) func sigtermDrainsWithoutDroppingRequests() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures(), latency: [.land: .milliseconds(150)])
        defer { Task { await stubs.shutdown() } }
        let setup = try GatewayProcessSetup(for: stubs)
        let port = setup.port, folder = setup.folder
        let gateway = try await setup.start()

        let answered = Collected<String>()
        let statuses = Collected<Int>()
        let load = (0..<6).map { worker in
            Task {
                guard let connection = try? RawHTTPConnection(port: port) else { return }
                for index in 0..<1000 {
                    var headers = TestEnvironment.credentials()
                    headers["X-Request-Id"] = "term-\(worker)-\(index)"
                    // A closed connection after the listener went away ends this worker: not an answer.
                    guard let response = try? await connection.send("GET", "/v1/properties/LA2023002/dossier", headers: headers) else { return }
                    statuses.add(response.status)
                    if response.status == 200 { answered.add("term-\(worker)-\(index)") }
                    if response.status == 503 { return }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(800))
        gateway.kill(signal: SIGTERM)
        for task in load { _ = await task.result }
        #expect(gateway.waitForExit() == 0)
        #expect(statuses.all.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses.all.filter { $0 != 200 && $0 != 503 })")
        #expect(answered.count > 5)

        let records = try AuditIntegrationTests.records(.init(path: folder + "/audit.jsonl"))
        let logged = Set(records.compactMap { $0["request_id"]?.string })
        #expect(Set(answered.all).subtracting(logged).isEmpty, "every 200 the clients got is in the audit log")
        // The other way round: a dossier the gateway built and audited but whose answer never
        // reached its client was dropped.
        let served = Set(records.filter { $0["http_status"]?.integer == 200 }.compactMap { $0["request_id"]?.string })
        #expect(served.subtracting(answered.all).isEmpty, "audited as served but never answered: \(served.subtracting(answered.all).sorted())")
        let verify = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", folder + "/signing.pub", folder])
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
    }

    /// SIGHUP loads a new client without a restart; an invalid file is refused and the running config kept.
    @Test(.timeLimit(.minutes(1))) func sighupReloadsConfig() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let setup = try GatewayProcessSetup(for: stubs)
        let port = setup.port, folder = setup.folder, configPath = setup.configPath
        let gateway = try await setup.start()
        let newcomer = ["Authorization": "Bearer newcomer-key", "X-Purpose": "reload test"]
        #expect(try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: newcomer).status == 401)

        try GatewayProcess.writeConfig(for: stubs, port: port, auditFolder: folder, to: configPath,
                                       extraClients: [("desk-2", "newcomer-key")])
        gateway.kill(signal: SIGHUP)
        var status = 0
        for _ in 0..<50 where status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            status = try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: newcomer).status
        }
        #expect(status == 200, "the reloaded client was not accepted")

        try "{ not json".write(toFile: configPath, atomically: true, encoding: .utf8)
        gateway.kill(signal: SIGHUP)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: newcomer).status == 200, "old config kept")
        #expect(try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200)
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)
        let log = gateway.standardError()
        #expect(log.contains("config reloaded"))
        #expect(log.contains("config reload rejected"))
    }
}
