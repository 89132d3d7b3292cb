import Foundation
import Testing

/// The `exchange-gateway` and `department-stubs` executables, run as a user would.
@Suite struct CommandLineTests {
    struct Run: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs a built executable of this package with `arguments` in the repository root.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Run {
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

    /// Usage mistakes exit 2 with a one-line message; `--help` exits 0.
    @Test(arguments: [
        (["frobnicate"], 2), ([], 2), (["dossier"], 2), (["dossier", "BAD/ID"], 2),
        (["serve", "--bogus"], 2), (["--help"], 0), (["serve", "--help"], 0), (["demo", "--help"], 0),
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
}
