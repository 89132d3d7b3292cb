import Foundation
import Glibc

/// A program the deploy and contract tests run: a pinned Python tool in `.venv-tools/` or a
/// Debian one, all installed by `.ci/install-test-tools`. A missing tool fails the test rather
/// than skipping it, so a green run always means the check ran.
struct ExternalTool: Sendable {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is not installed; run: bash .ci/install-test-tools" }
    }

    /// What a run printed (stdout and stderr together), its exit status, and whether it was
    /// killed for running over its time limit.
    struct Run: Sendable, CustomStringConvertible {
        let status: Int32
        let output: String
        let timedOut: Bool
        var description: String { "exit \(status)\(timedOut ? " (killed: over its time limit)" : ""):\n\(output)" }
    }

    let path: String

    /// A tool of the pinned Python venv (`.ci/requirements-tools.txt`).
    static func venv(_ name: String) throws -> ExternalTool {
        try ExternalTool(path: TestEnvironment.repositoryRoot + "/.venv-tools/bin/" + name)
    }

    /// A tool at an absolute path, from a Debian package.
    static func system(_ path: String) throws -> ExternalTool {
        try ExternalTool(path: path)
    }

    private init(path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        self.path = path
    }

    /// Runs the tool in `directory` (default: the repository root) and waits. It runs under
    /// coreutils `timeout`, which puts it in a process group of its own: past `timeLimit` the
    /// whole group gets SIGTERM, and SIGKILL 5 s later, so neither a hung tool nor a child it
    /// started (chromedriver and its browser, checkov's workers) can keep the output pipe open
    /// and hang the suite.
    func run(_ arguments: [String], in directory: String = TestEnvironment.repositoryRoot,
             timeLimit: Duration = .seconds(120)) async throws -> Run {
        let path = path
        return try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
            process.arguments = ["-k", "5", "\(timeLimit.components.seconds)", path] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            // 124: timeout ended it with SIGTERM; 137: with SIGKILL after the grace.
            return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
                       timedOut: [124, 137].contains(process.terminationStatus))
        }
    }
}
