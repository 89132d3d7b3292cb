import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// The `exchange-gateway` and `department-stubs` executables, run as a user would.
@Suite(.endsWhatItStarts) struct CommandLineTests {
    struct Run: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs a built executable of this package with `arguments` in the repository root; one still
    /// running after `timeout` is terminated (its status then says so), so a hang fails the test
    /// instead of holding the suite.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Run {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return try await onOwnThread {
            let process = Process()
            process.executableURL = directory.appendingPathComponent(executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: TestEnvironment.repositoryRoot)
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { if process.isRunning { process.terminate() } }
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Run(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                       errors: String(decoding: errorData, as: UTF8.self))
        }
    }

    /// The bundled config passes `config check`.
    @Test func bundledConfigIsValid() async throws {
        let run = try await Self.run("exchange-gateway", ["config", "check", "config/gateway.json"])
        #expect(run.status == 0)
        #expect(run.output.contains("valid"))
        #expect(run.output.contains("land"))
    }

    /// An invalid config fails with one line naming the key path.
    @Test func invalidConfigNamesTheKeyPath() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json").path
        try #"{"sources": [{"name": "land", "base_url": "http://127.0.0.1:9101", "path": "/land/{property_id}", "timeout_ms": 0}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await Self.run("exchange-gateway", ["config", "check", path])
        #expect(run.status == 1)
        #expect(run.errors.contains("sources[0].timeout_ms"))
        #expect(run.errors.split(separator: "\n").count == 1)
    }

    /// A view's mistakes are reported the same way: the old masking keys, and a treatment that no longer exists.
    @Test(arguments: [
        ("masking", #"{"name": "name"}"#, "roles.clerk.masking: was replaced by views"),
        ("views", #"{"land": {"/right_holder/name": "none"}, "tax": {}, "house": {}}"#,
         #"roles.clerk.views.land./right_holder/name: "none" is no longer a treatment: use "clear""#),
    ])
    func invalidViewNamesTheKeyPath(_ key: String, _ value: String, _ message: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-view-\(UUID()).json").path
        let config = try JSON.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "config/gateway.json"))))
        config["roles"]!["clerk"]![key] = try JSON.parse(value)
        try Data(config.encoded()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try await Self.run("exchange-gateway", ["config", "check", path])
        #expect(run.status == 1)
        #expect(run.errors.contains(message), "\(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1)
    }

    /// Usage mistakes exit 2 with a one-line message; `--help` exits 0.
    @Test(arguments: [
        (["frobnicate"], 2), ([], 2), (["dossier"], 2), (["dossier", "BAD/ID"], 2),
        (["serve", "--bogus"], 2), (["--help"], 0), (["serve", "--help"], 0), (["demo", "--help"], 0),
        (["audit"], 2), (["audit", "--bogus"], 2), (["audit", "frobnicate"], 2), (["audit", "verify"], 2),
        (["audit", "verify", "--bogus", "x"], 2), (["audit", "verify", "--checkpoint-every", "0", "x"], 2),
        (["audit", "search", "--since", "yesterday", "x"], 2), (["audit", "search", "--since", "2026-11-29T00:00:00", "x"], 2),
        (["audit", "--help"], 0), (["audit", "verify", "--help"], 0),
        (["audit", "verify", "--public-key"], 2), (["audit", "accept-loss"], 2), (["audit", "accept-loss", "--config", "x"], 2),
        (["audit", "accept-loss", "--help"], 0), (["dossier", "verify"], 2), (["dossier", "verify", "x"], 2),
        (["dossier", "verify", "--help"], 0),
    ] as [([String], Int32)])
    func usage(_ arguments: [String], expectedStatus: Int32) async throws {
        let run = try await Self.run("exchange-gateway", arguments)
        #expect(run.status == expectedStatus)
        if expectedStatus == 0 {
            #expect(run.output.contains("usage:"))
        } else {
            #expect(run.errors.hasPrefix("exchange-gateway: "))
            #expect(run.errors.split(separator: "\n").count == 1)
        }
    }

    /// `demo` starts everything, prints both dossiers, and exits cleanly.
    @Test(.timeLimit(.minutes(1))) func demoRunsEndToEnd() async throws {
        let run = try await Self.run("exchange-gateway", ["demo"])
        #expect(run.status == 0, "stderr: \(run.errors)")
        #expect(run.output.contains("LA2023001"))
        #expect(run.output.contains("HTTP 200, complete: true"))
        #expect(run.output.contains("tax   timeout"), "output: \(run.output.split(separator: "\n").filter { $0.contains("ms") })")
    }

    /// `department-stubs` rejects a malformed latency list.
    @Test func stubsRejectBadLatency() async throws {
        let run = try await Self.run("department-stubs", ["--latency", "land=fast"])
        #expect(run.status == 2)
        #expect(run.errors.contains("--latency"))
    }

    // MARK: keygen and audit

    /// A log's content: an `opened` line, then access records at `times`.
    static func auditLog(times: [String]) -> String {
        var chain = AuditChain()
        var lines = [chain.append(body: JSON.object(["type": JSON("opened"), "time": JSON("2026-11-28T00:00:00.000Z"),
                                                     "reason": JSON("start"), "repaired_bytes": JSON(0)]).encoded())]
        for (index, time) in times.enumerated() {
            lines.append(chain.append(body: JSON.object(["type": JSON("access"), "time": JSON(time),
                                                         "request_id": JSON("req-\(index)"), "client": JSON("desk-1"),
                                                         "property_id": JSON("LA2023001")]).encoded()))
        }
        return lines.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined()
    }

    /// The config entry `keygen` prints is valid JSON.
    @Test func keygenPrintsValidJSON() async throws {
        let run = try await Self.run("exchange-gateway", ["keygen", "--client", "desk.07:a_b-c", "--role", "clerk"])
        #expect(run.status == 0)
        let line = try #require(run.output.split(separator: "\n").first { $0.hasPrefix("config entry:") })
        let entry = try JSON.parse(String(line.dropFirst("config entry:".count)))
        #expect(entry["id"]?.string == "desk.07:a_b-c")
        #expect(entry["api_key_sha256"]?.string?.count == 64)
    }

    /// `audit verify` fails when it has nothing to verify, instead of calling nothing "intact".
    @Test func verifyRefusesToVerifyNothing() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let emptyFile = folder + "/audit-000000000001.jsonl"
        try Data().write(to: URL(fileURLWithPath: emptyFile))
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: false)
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: folder + "/empty/export.jsonl"))
        for path in [folder + "/empty", emptyFile, "Sources", folder + "/missing"] {
            let run = try await Self.run("exchange-gateway", ["audit", "verify", path])
            #expect(run.status == 1, "\(path): \(run.output) \(run.errors)")
            #expect(!run.output.contains("intact:"), "\(path)")
            #expect(run.errors.hasPrefix("exchange-gateway: ") && run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        }
    }

    /// In a folder only the log's own files are verified (a stray export is left out); a folder
    /// with two logs' files must be narrowed down; a later segment needs --partial.
    @Test func verifyTakesOnlyLogFiles() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.auditLog(times: ["2026-11-29T00:00:00.500Z"]).write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        try #"{"exported":true}"#.appending("\n").write(toFile: folder + "/export.jsonl", atomically: true, encoding: .utf8)
        let intact = try await Self.run("exchange-gateway", ["audit", "verify", folder])
        #expect(intact.status == 0, "\(intact.output) \(intact.errors)")
        #expect(intact.output.contains("intact: 1 file(s), 2 lines, seq 1–2"))

        try Self.auditLog(times: []).write(toFile: folder + "/other-000000000001.jsonl", atomically: true, encoding: .utf8)
        let mixed = try await Self.run("exchange-gateway", ["audit", "verify", folder])
        #expect(mixed.status == 1)
        #expect(mixed.errors.contains("several logs"))
    }

    /// `--since` compares instants: a record at 00:00:00.500Z is after 00:00:00Z, and an offset counts.
    @Test func searchSinceComparesTimes() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.auditLog(times: ["2026-11-28T23:59:59.999Z", "2026-11-29T00:00:00.500Z", "2026-11-29T10:00:00.000Z"])
            .write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        func ids(since: String) async throws -> [String] {
            let run = try await Self.run("exchange-gateway", ["audit", "search", "--since", since, folder])
            #expect(run.status == 0, "\(run.errors)")
            return try run.output.split(separator: "\n").compactMap { try JSON.parse(String($0))["request_id"]?.string }
        }
        #expect(try await ids(since: "2026-11-29T00:00:00Z") == ["req-1", "req-2"])
        #expect(try await ids(since: "2026-11-29T08:00:00+08:00") == ["req-1", "req-2"])
        #expect(try await ids(since: "2026-11-29T17:00:00+08:00") == ["req-2"])
        #expect(try await ids(since: "2026-11-29") == ["req-1", "req-2"])
    }

    /// `audit keygen` never overwrites, and a failed `.pub` leaves no lone `.key` behind; file
    /// failures exit 1, not 2.
    @Test func auditKeygenWritesBothOrNeither() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let made = try await Self.run("exchange-gateway", ["audit", "keygen", "--out", folder + "/ok"])
        #expect(made.status == 0, "\(made.errors)")
        #expect(FileManager.default.fileExists(atPath: folder + "/ok.key") && FileManager.default.fileExists(atPath: folder + "/ok.pub"))
        let verify = try await Self.run("exchange-gateway", ["audit", "verify", "--public-key", folder + "/ok.pub", folder + "/missing.jsonl"])
        #expect(verify.status == 1)

        try Data("taken".utf8).write(to: URL(fileURLWithPath: folder + "/busy.pub"))
        let failed = try await Self.run("exchange-gateway", ["audit", "keygen", "--out", folder + "/busy"])
        #expect(failed.status == 1)
        #expect(failed.errors.contains("busy.pub") && failed.errors.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/busy.key"), "no private key without its public key")
        #expect(FileManager.default.contents(atPath: folder + "/busy.pub") == Data("taken".utf8))

        let again = try await Self.run("exchange-gateway", ["audit", "keygen", "--out", folder + "/ok"])
        #expect(again.status == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/ok.key"), "an existing key is never removed")

        try Self.auditLog(times: []).write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        let badKey = try await Self.run("exchange-gateway", ["audit", "verify", "--public-key", folder + "/busy.pub", folder])
        #expect(badKey.status == 1)
        #expect(badKey.errors.contains("busy.pub"))
    }
}
