import AuditLog
import DepartmentStubs
import Foundation
import Gateway
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Glibc
import HTTPServer
import Synchronization
import Testing

/// Audit evidence that holds against an insider, through a real gateway and the command line:
/// each attack of issue 15 as a test, the body binding, and a hung disk.
@Suite(.endsWhatItStarts) struct AuditEvidenceTests {
    /// A folder with a signing key pair and an audit config that signs every `cadence` lines and
    /// copies each checkpoint to a witness file in a folder of its own.
    struct SignedAudit {
        let folder: String
        let config: AuditConfig
        let publicKeyPath: String

        init(cadence: Int = 5, appendTimeoutMs: Int = 2000) throws {
            folder = TestEnvironment.temporaryDirectory()
            let key = Ed25519.PrivateKey.generate()
            try key.pemRepresentation.write(toFile: folder + "/signing.key", atomically: true, encoding: .utf8)
            publicKeyPath = folder + "/signing.pub"
            try key.publicKey.pemRepresentation.write(toFile: publicKeyPath, atomically: true, encoding: .utf8)
            config = AuditConfig(path: folder + "/log/audit.jsonl", signingKeyFile: folder + "/signing.key",
                                 checkpointEveryRecords: cadence, witnessFile: folder + "/other-volume/witness.jsonl",
                                 appendTimeoutMs: appendTimeoutMs)
        }

        var logFolder: String { config.directory }
        var witnessPath: String { config.witnessFile! }
    }

    /// SHA-256 of `bytes` as `openssl dgst` computes it: hex, and base64 of the binary digest.
    static func openssl(_ bytes: [UInt8]) async throws -> (hex: String, base64: String) {
        let folder = TestEnvironment.temporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/body"))
        let openssl = try ExternalTool.system("/usr/bin/openssl")
        let hex = try await openssl.run(["dgst", "-sha256", "-r", folder + "/body"], timeLimit: .seconds(30))
        let binary = try await openssl.run(["dgst", "-sha256", "-binary", "-out", folder + "/digest", folder + "/body"], timeLimit: .seconds(30))
        let base64 = try await openssl.run(["base64", "-A", "-in", folder + "/digest"], timeLimit: .seconds(30))
        #expect(hex.status == 0 && binary.status == 0 && base64.status == 0)
        return (String(hex.output.prefix(64)), base64.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: Body binding

    /// A dossier, a refusal and a batch each carry `Content-Digest: sha-256=:<base64>:` of their
    /// exact body bytes, and their records the same digest in hex (computed here by openssl).
    @Test func answersAreBoundToTheirRecords() async throws {
        let audit = try SignedAudit()
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        let dossier = try await environment.get("/v1/properties/LA2023001/dossier")
        let refused = try await environment.get("/v1/properties/LA2023001/dossier", headers: [:])
        let batch = try await environment.post("/v1/dossiers:batch", body: #"{"property_ids": ["LA2023002"]}"#)
        #expect(dossier.status == 200 && refused.status == 401 && batch.status == 200)
        await environment.stop()

        let records = try AuditIntegrationTests.records(audit.config)
        for answer in [dossier, refused, batch] {
            let digest = try await Self.openssl(answer.body)
            #expect(answer.headers["content-digest"] == "sha-256=:\(digest.base64):")
            let requestID = try #require(answer.headers["x-request-id"])
            let record = try #require(records.first { $0["request_id"]?.string == requestID })
            #expect(record["body_sha256"]?.string == digest.hex, "\(requestID)")
        }
        // The batch item: its bytes as they stand in the answer, hashed into its own record.
        let body = batch.body
        let prefix = Array(#"{"dossiers":["#.utf8), suffix = Array("]}".utf8)
        #expect(body.starts(with: prefix) && body.suffix(2).elementsEqual(suffix))
        let item = Array(body.dropFirst(prefix.count).dropLast(suffix.count))
        let itemID = try #require(try JSON.parse(item)["request_id"]?.string)
        let itemRecord = try #require(records.first { $0["request_id"]?.string == itemID })
        #expect(itemRecord["body_sha256"]?.string == (try await Self.openssl(item)).hex)
        let batchRecord = try #require(records.first { $0["request_id"]?.string == batch.headers["x-request-id"] })
        #expect(batchRecord["batch_items"]?.elements.map(\.string) == [itemID])
    }

    /// `dossier verify` proves a saved dossier against the log (who, role, purpose, time), and
    /// tells a changed file, an unknown one, a broken chain and a record no checkpoint covers yet.
    @Test func dossierVerifyProvesASavedDossier() async throws {
        let audit = try SignedAudit()
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        var headers = TestEnvironment.credentials()
        headers["X-Request-Id"] = "case-file-0042"
        let dossier = try await environment.get("/v1/properties/LA2023001/dossier", headers: headers)
        #expect(dossier.status == 200)
        let saved = audit.folder + "/dossier.json"
        try Data(dossier.body).write(to: URL(fileURLWithPath: saved))
        let arguments = ["dossier", "verify", saved, "--audit-dir", audit.logFolder, "--public-key", audit.publicKeyPath,
                         "--witness", audit.witnessPath]

        // Before any checkpoint covers it, it is found, but not proven.
        let early = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(early.status == 1)
        #expect(early.output.contains("case-file-0042") && early.errors.contains("no signed checkpoint covers"), "\(early.errors)")

        await environment.stop()
        let proven = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(proven.status == 0, "\(proven.output) \(proven.errors)")
        for shown in ["case-file-0042", "desk-1", "clerk", "登记案件 2026-0042", "LA2023001", "PROVEN", "the checkpoint is in"] {
            #expect(proven.output.contains(shown), "\(shown) in \(proven.output)")
        }

        var altered = dossier.body
        let index = try #require(altered.firstIndex(of: UInt8(ascii: "1")))
        altered[index] = UInt8(ascii: "7")
        try Data(altered).write(to: URL(fileURLWithPath: saved))
        let changed = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(changed.status == 1 && changed.errors.contains("ALTERED") && changed.errors.contains("case-file-0042"), "\(changed.errors)")

        try Data(#"{"unrelated": true}"#.utf8).write(to: URL(fileURLWithPath: saved))
        let unknown = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(unknown.status == 1 && unknown.errors.contains("NOT FOUND"), "\(unknown.errors)")

        // A line before the record edited: the chain up to its checkpoint is broken.
        try Data(dossier.body).write(to: URL(fileURLWithPath: saved))
        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        var log = try String(contentsOfFile: logPath, encoding: .utf8)
        log = log.replacingOccurrences(of: #""reason":"start""#, with: #""reason":"stArt""#)
        try log.write(toFile: logPath, atomically: true, encoding: .utf8)
        let broken = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(broken.status == 1 && broken.errors.contains("chain is broken") && broken.errors.contains(":1: edited"), "\(broken.errors)")
    }

    /// The same bytes sent twice: a refusal is the problem and the caller's own `X-Request-Id`, so
    /// two callers who send the same id and are refused alike get byte-identical answers, with two
    /// records of one `body_sha256`. `dossier verify` must not name the first one as the file's
    /// (another client, another property): it shows both and says it cannot tell which it is.
    @Test func dossierVerifyTellsAnAnswerSentTwice() async throws {
        let audit = try SignedAudit()
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        func withoutPurpose(_ key: String) -> [String: String] {
            var headers = TestEnvironment.credentials(key)
            headers["X-Request-Id"] = "case-77"
            headers["X-Purpose"] = nil
            return headers
        }
        let clerk = withoutPurpose(TestEnvironment.Key.clerk), auditor = withoutPurpose(TestEnvironment.Key.auditor)
        let first = try await environment.get("/v1/properties/LA2023001/dossier", headers: clerk)
        let second = try await environment.get("/v1/properties/LA2023002/dossier", headers: auditor)
        #expect(first.status == 400 && second.status == 400)
        #expect(first.body == second.body, "the test needs byte-identical answers")
        await environment.stop()
        let saved = audit.folder + "/refusal.json"
        try Data(second.body).write(to: URL(fileURLWithPath: saved))
        let run = try await CommandLineTests.run("exchange-gateway", ["dossier", "verify", saved, "--audit-dir", audit.logFolder,
                                                                      "--public-key", audit.publicKeyPath])
        #expect(run.status == 1 && run.errors.contains("AMBIGUOUS") && !run.output.contains("PROVEN"), "\(run.output) \(run.errors)")
        for shown in ["LA2023001", "LA2023002", "desk-1", "audit-1"] {
            #expect(run.output.contains(shown), "\(shown) in \(run.output)")
        }
    }

    // MARK: Attacks

    /// Cut the tail: the first lines of a signed log are intact, so verify without the witness
    /// says intact; with it, verify names the witness line the log lacks, and a gateway restarted
    /// on the cut log refuses to start with one line naming both files.
    @Test(.timeLimit(.minutes(1))) func cutTailIsCaught() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let witnessFolder = TestEnvironment.temporaryDirectory()
        let setup = try GatewayProcessSetup(for: stubs, extraAudit: ["witness_file": #""\#(witnessFolder)/witness.jsonl""#,
                                                                     "checkpoint_every_records": "10"])
        let gateway = try await setup.start()
        for index in 0..<45 {
            var headers = TestEnvironment.credentials()
            headers["X-Request-Id"] = "cut-\(index)"
            #expect(try await httpGet(setup.port, "/v1/properties/LA2023001/dossier", headers: headers).status == 200)
        }
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)
        let logPath = setup.folder + "/audit-000000000001.jsonl"
        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 50)
        try (lines.prefix(30).joined(separator: "\n") + "\n").write(toFile: logPath, atomically: true, encoding: .utf8)

        let unwitnessed = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", setup.publicKeyPath, setup.folder])
        #expect(unwitnessed.status == 0 && unwitnessed.output.contains("intact"), "a cut tail alone looks intact: \(unwitnessed.errors)")
        let witnessed = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--config", setup.configPath,
                                                                            "--public-key", setup.publicKeyPath])
        #expect(witnessed.status == 1)
        #expect(witnessed.errors.contains("\(witnessFolder)/witness.jsonl:"), "\(witnessed.errors)")
        #expect(witnessed.errors.contains("witness mismatch") && witnessed.errors.contains("the log ends at seq 30"), "\(witnessed.errors)")

        let restarted = try GatewayProcess(configPath: setup.configPath, port: setup.port)
        #expect(restarted.waitForExit() == 1)
        let errors = restarted.standardError().split(separator: "\n").filter { !$0.hasPrefix("{") }
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains(logPath) == true && errors.first?.contains("\(witnessFolder)/witness.jsonl") == true)
        #expect(try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").count == 30, "nothing is written to the cut log")
    }

    /// Forge the cadence: delete a record, chain the lines after it anew, drop the checkpoints after
    /// it and state a cadence of 10000000 in the opened line, with opened lines inserted every few
    /// lines. Verify holds the log to the operator's cadence (from the config) and fails.
    @Test func forgedCadenceIsCaught() async throws {
        let audit = try SignedAudit(cadence: 5)
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        for _ in 0..<20 { #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200) }
        await environment.stop()
        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        let original = AuditFolderLines.read(logPath)
        let deleted = try #require(original.firstIndex { (try? JSON.parse($0))?["type"]?.string == "access" })
        var chain = try AuditChain.after(line: original[deleted - 1])
        var forged = Array(original[..<deleted])
        for (offset, line) in original[(deleted + 1)...].enumerated() {
            let fields = try AuditLineFields(line)
            if fields.type == "checkpoint" { continue }
            if offset % 4 == 0 {
                forged.append(chain.append(body: AuditRunLine.opened(reason: .start, repairedBytes: 0, checkpointEvery: 10_000_000)))
            }
            fields.json["seq"] = nil
            fields.json["prev"] = nil
            forged.append(chain.append(body: fields.json.encoded()))
        }
        try Data(forged.flatMap { $0 + [UInt8(ascii: "\n")] }).write(to: URL(fileURLWithPath: logPath))
        let configPath = audit.folder + "/gateway.json"
        try #"{"audit": {"path": "\#(audit.config.path)", "checkpoint_every_records": 5}}"#.write(toFile: configPath, atomically: true, encoding: .utf8)

        let run = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--config", configPath,
                                                                      "--public-key", audit.publicKeyPath])
        #expect(run.status == 1)
        #expect(run.errors.contains("missing checkpoint") && run.errors.contains("at most 5"), "\(run.errors)")
        // The cadence the operator gives cannot be raised by the log either.
        let explicit = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--checkpoint-every", "5",
                                                                           "--public-key", audit.publicKeyPath, audit.logFolder])
        #expect(explicit.status == 1 && explicit.errors.contains("missing checkpoint"))
    }

    /// An edited line is named as the first bad one, and only the lines before it count as intact.
    @Test func editedLineIsTheFirstBadOne() async throws {
        let audit = try SignedAudit(cadence: 100)
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        for _ in 0..<20 { #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200) }
        await environment.stop()
        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        var lines = AuditFolderLines.read(logPath)
        lines[17] = Array(String(decoding: lines[17], as: UTF8.self).replacingOccurrences(of: "desk-1", with: "desk-9").utf8)
        try Data(lines.flatMap { $0 + [UInt8(ascii: "\n")] }).write(to: URL(fileURLWithPath: logPath))
        let run = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", audit.publicKeyPath, audit.logFolder])
        #expect(run.status == 1)
        #expect(run.output.contains("17 intact lines (seq 1–17) before the problem"), "\(run.output)")
        #expect(run.errors.contains("\(logPath):18: edited"), "\(run.errors)")
    }

    /// Rotate the key by SIGHUP (same file, new contents): the old key signs a checkpoint, a key
    /// line names the new key, the new key signs from there; verify needs both keys.
    @Test(.timeLimit(.minutes(1))) func sighupRotatesTheSigningKey() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let setup = try GatewayProcessSetup(for: stubs)
        let gateway = try await setup.start()
        for _ in 0..<3 { #expect(try await httpGet(setup.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200) }
        let newKey = Ed25519.PrivateKey.generate()
        try newKey.pemRepresentation.write(toFile: setup.folder + "/signing.key", atomically: true, encoding: .utf8)
        try newKey.publicKey.pemRepresentation.write(toFile: setup.folder + "/new.pub", atomically: true, encoding: .utf8)
        gateway.kill(signal: SIGHUP)
        let logPath = setup.folder + "/audit-000000000001.jsonl"
        var rotated = false
        for _ in 0..<100 where !rotated {
            try await Task.sleep(for: .milliseconds(50))
            rotated = (try? String(contentsOfFile: logPath, encoding: .utf8))?.contains(#""type":"key""#) == true
        }
        #expect(rotated, "a key line was written after SIGHUP")
        for _ in 0..<3 { #expect(try await httpGet(setup.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200) }
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)

        let records = try AuditIntegrationTests.records(.init(path: setup.folder + "/audit.jsonl"))
        let keyLine = try #require(records.firstIndex { $0["type"]?.string == "key" })
        #expect(records[keyLine - 1]["type"]?.string == "checkpoint", "the old key signed right before the key line")
        #expect(records[keyLine]["key_id"]?.string == AuditCheckpoint.keyID(of: newKey.publicKey))
        #expect(records.last?["key_id"]?.string == AuditCheckpoint.keyID(of: newKey.publicKey), "the new key signs from there")
        #expect(gateway.standardError().contains("audit signing key changes at the next checkpoint boundary"))

        let both = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", setup.publicKeyPath,
                                                                       "--public-key", setup.folder + "/new.pub", setup.folder])
        #expect(both.status == 0, "\(both.output) \(both.errors)")
        let oldOnly = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", setup.publicKeyPath, setup.folder])
        #expect(oldOnly.status == 1 && oldOnly.errors.contains(AuditCheckpoint.keyID(of: newKey.publicKey)), "\(oldOnly.errors)")
    }

    /// Absurd seq: a last line with seq 9223372036854775807 stops `serve` with one line and exit 1
    /// (no trap, no crash loop), and `audit verify` reports it with exit 1.
    @Test(.timeLimit(.minutes(1))) func absurdSeqIsAClearError() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let setup = try GatewayProcessSetup(for: stubs)
        let logPath = setup.folder + "/audit-000000000001.jsonl"
        let line = #"{"seq":9223372036854775807,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#
        try (line + "\n").write(toFile: logPath, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess(configPath: setup.configPath, port: setup.port)
        #expect(gateway.waitForExit() == 1, "a clear exit, not a trap (which ends by a signal)")
        let errors = gateway.standardError().split(separator: "\n").filter { !$0.hasPrefix("{") }
        #expect(errors.count == 1 && errors.first?.contains(logPath) == true, "\(errors)")
        let verify = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", setup.folder])
        #expect(verify.status == 1 && verify.errors.contains(":1: malformed") && verify.errors.contains("outside"), "\(verify.errors)")
    }

    /// After a real loss the gateway refuses to start until the operator records it with
    /// `audit accept-loss`; then it starts, and verify shows the loss (signed and witnessed).
    @Test(.timeLimit(.minutes(1))) func acceptedLossLetsTheGatewayStart() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        defer { Task { await stubs.shutdown() } }
        let witnessFolder = TestEnvironment.temporaryDirectory()
        let setup = try GatewayProcessSetup(for: stubs, extraAudit: ["witness_file": #""\#(witnessFolder)/witness.jsonl""#,
                                                                     "checkpoint_every_records": "10"])
        var gateway = try await setup.start()
        for _ in 0..<25 { #expect(try await httpGet(setup.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200) }
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)
        let logPath = setup.folder + "/audit-000000000001.jsonl"
        let lines = try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(15).joined(separator: "\n") + "\n").write(toFile: logPath, atomically: true, encoding: .utf8)
        let refused = try GatewayProcess(configPath: setup.configPath, port: setup.port)
        #expect(refused.waitForExit() == 1)

        let accepted = try await CommandLineTests.run("exchange-gateway", ["audit", "accept-loss", "--config", setup.configPath,
                                                                           "--note", "restored from the 02:00 backup, INC-77"])
        #expect(accepted.status == 0, "\(accepted.errors)")
        let again = try await CommandLineTests.run("exchange-gateway", ["audit", "accept-loss", "--config", setup.configPath, "--note", "again"])
        #expect(again.status == 1 && again.errors.contains("no loss to record"), "\(again.errors)")
        gateway = try await setup.start()
        #expect(try await httpGet(setup.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200)
        gateway.kill(signal: SIGTERM)
        #expect(gateway.waitForExit() == 0)
        let verify = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--config", setup.configPath,
                                                                         "--public-key", setup.publicKeyPath])
        #expect(verify.status == 0, "\(verify.output) \(verify.errors)")
        #expect(verify.output.contains("RECORDED LOSS at \(logPath):16") && verify.output.contains("INC-77"), "\(verify.output)")
    }

    /// A reload changes the signing key (and nothing else of the audit settings): another witness,
    /// or signing turned off, is refused; a new key takes over with a key line.
    @Test func reloadChangesOnlyTheSigningKey() async throws {
        let audit = try SignedAudit(cadence: 100)
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        let config = environment.gateway.config
        var otherWitness = config
        otherWitness.audit.witnessFile = audit.folder + "/elsewhere.jsonl"
        #expect(throws: ConfigError.self) { try environment.gateway.reload(otherWitness) }
        var unsigned = config
        unsigned.audit.signingKeyFile = nil
        let error = #expect(throws: ConfigError.self) { try environment.gateway.reload(unsigned) }
        #expect(error?.path == "audit.signing_key_file")
        var unreadable = config
        unreadable.audit.signingKeyFile = audit.folder + "/missing.key"
        #expect(throws: ConfigError.self) { try environment.gateway.reload(unreadable) }
        try environment.gateway.reload(config)

        let newKey = Ed25519.PrivateKey.generate()
        try newKey.pemRepresentation.write(toFile: audit.folder + "/next.key", atomically: true, encoding: .utf8)
        var rotated = config
        rotated.audit.signingKeyFile = audit.folder + "/next.key"
        try environment.gateway.reload(rotated)
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200)
        await environment.stop()
        let records = try AuditIntegrationTests.records(audit.config)
        #expect(records.filter { $0["type"]?.string == "key" }.count == 1, "the same key reloaded writes no key line")
        #expect(records.last?["key_id"]?.string == AuditCheckpoint.keyID(of: newKey.publicKey))
    }

    // MARK: Witness URL

    /// Every signed checkpoint line is POSTed to `audit.witness_url`, byte for byte as in the log
    /// and the witness file, the last one (written at shutdown) included.
    @Test func witnessURLGetsEveryCheckpoint() async throws {
        let received = Collected<[UInt8]>()
        let witnessServer = try HTTPServer(configuration: .init()) { request in
            if request.method == "POST", request.header("Content-Type") == "application/json" { received.add(request.body) }
            return .respond(HTTPResponse(status: 204))
        }
        var audit = try SignedAudit(cadence: 3).config
        audit.witnessURL = "http://127.0.0.1:\(witnessServer.port)/checkpoints"
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit) }
        for _ in 0..<7 { #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200) }
        #expect(try await environment.get("/readyz").json()["audit_witness"]?.string == "ok")
        #expect(try await environment.get("/metrics").bodyText.contains("exchange_gateway_audit_witness_up 1"))
        await environment.stop()
        await witnessServer.shutdown(gracePeriod: .zero)

        let checkpoints = try AuditIntegrationTests.records(audit).filter { $0["type"]?.string == "checkpoint" }
        let witnessed = AuditFolderLines.read(audit.witnessFile!)
        #expect(checkpoints.count >= 3 && witnessed.count == checkpoints.count)
        #expect(Set(received.all) == Set(witnessed), "the POSTed lines are the witnessed ones")
        #expect(received.count == witnessed.count)
    }

    /// A witness URL that fails never blocks dossiers: its failures are counted, `/readyz` stays
    /// ready and names it failing, and shutdown ends within the witness timeout.
    @Test func failingWitnessURLNeverBlocks() async throws {
        let refusing = try HTTPServer(configuration: .init()) { _ in .respond(HTTPResponse(status: 500)) }
        var audit = try SignedAudit(cadence: 2).config
        audit.witnessURL = "http://127.0.0.1:\(refusing.port)/checkpoints"
        audit.witnessTimeoutMs = 500
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit) }
        for _ in 0..<4 { #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200) }
        var metrics = ""
        for _ in 0..<50 where !metrics.contains("exchange_gateway_audit_witness_up 0") {
            try await Task.sleep(for: .milliseconds(20))
            metrics = try await environment.get("/metrics").bodyText
        }
        #expect(metrics.contains(#"exchange_gateway_audit_witness_posts_total{outcome="failed"}"#), "\(metrics.split(separator: "\n").filter { $0.contains("witness") })")
        #expect(metrics.contains("exchange_gateway_audit_witness_up 0"))
        let ready = try await environment.get("/readyz")
        #expect(ready.status == 200)
        #expect(try ready.json()["audit_witness"]?.string == "failing")
        let stopping = ContinuousClock.now
        await environment.stop()
        #expect(stopping.duration(to: .now) < .seconds(3))
        await refusing.shutdown(gracePeriod: .zero)
    }

    // MARK: A hung disk

    /// The log's fsync hangs: a dossier gets 503 audit-unavailable once `append_timeout_ms` has
    /// passed, `/readyz` is 503 while the writer hangs, the timeout is counted, and shutdown ends.
    @Test(.timeLimit(.minutes(1))) func hungDiskFailsClosedInTime() async throws {
        let audit = try SignedAudit(appendTimeoutMs: 400)
        let hang = HangingFsync()
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        let gateway = try await GatewayServer(config: TestEnvironment.config(for: stubs, audit: audit.config), auditSyscalls: hang.syscalls)
        defer { hang.release() }
        #expect(try await httpGet(gateway.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()).status == 200)
        hang.start()
        let started = ContinuousClock.now
        let stuck = try await httpGet(gateway.port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials())
        #expect(stuck.status == 503)
        #expect(try stuck.json()["type"]?.string == "urn:exchange-gateway:problem:audit-unavailable")
        #expect(!stuck.bodyText.contains("梧桐苑"))
        #expect(started.duration(to: .now) < .seconds(2))
        let ready = try await httpGet(gateway.port, "/readyz")
        #expect(ready.status == 503)
        #expect(try ready.json()["audit"]?.string == "unavailable")
        let metrics = try await httpGet(gateway.port, "/metrics").bodyText
        #expect(metrics.contains("exchange_gateway_audit_append_timeouts_total 1"), "\(metrics.split(separator: "\n").filter { $0.contains("audit") })")

        let stopping = ContinuousClock.now
        await gateway.shutdown(gracePeriod: .zero)
        #expect(stopping.duration(to: .now) < .seconds(4), "shutdown does not wait for the hung disk")
        await stubs.shutdown()
    }
}

/// The lines of one audit file.
enum AuditFolderLines {
    static func read(_ path: String) -> [[UInt8]] {
        (FileBytes.read(path) ?? []).split(separator: UInt8(ascii: "\n")).map(Array.init)
    }
}

/// Audit syscalls whose `fsync` of log files hangs from `start()` until `release()`.
final class HangingFsync: Sendable {
    private let hanging = Mutex(false)
    private let condition = NSCondition()

    func start() { hanging.withLock { $0 = true } }

    func release() {
        hanging.withLock { $0 = false }
        condition.withLock { condition.broadcast() }
    }

    var syscalls: AuditSyscalls {
        var calls = AuditSyscalls.system
        calls.fsync = { [self] path, descriptor in
            if path.hasSuffix(".jsonl") && !path.contains("witness") {
                condition.withLock {
                    while hanging.withLock({ $0 }) { condition.wait() }
                }
            }
            return AuditSyscalls.system.fsync(path, descriptor)
        }
        return calls
    }
}
