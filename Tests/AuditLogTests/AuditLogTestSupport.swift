import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// A fresh folder for one test's audit files, and what the tests read back from it.
struct AuditFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-log-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The log config used by most tests: `<folder>/audit.jsonl`.
    func config(maxFileBytes: Int = 64 << 20, checkpointEveryRecords: Int = 1000,
                checkpointEverySeconds: Int = 60) -> AuditConfig {
        AuditConfig(path: path + "/audit.jsonl", maxFileBytes: maxFileBytes,
                    checkpointEveryRecords: checkpointEveryRecords, checkpointEverySeconds: checkpointEverySeconds)
    }

    /// Names of the log's files in `config`'s folder, sorted.
    static func fileNames(_ config: AuditConfig) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: config.directory)) ?? []).filter(config.isLogFile).sorted()
    }

    /// Name and bytes of each of the log's files, in name order, as `AuditVerifier` takes them.
    static func files(_ config: AuditConfig) -> [(name: String, content: [UInt8])] {
        fileNames(config).map { name in (name, FileBytes.read(config.directory + "/" + name) ?? []) }
    }

    /// The complete lines of one file.
    static func lines(of content: [UInt8]) -> [[UInt8]] {
        content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// `lines` as file content: each followed by a newline.
    static func content(_ lines: [[UInt8]]) -> [UInt8] {
        lines.flatMap { $0 + [UInt8(ascii: "\n")] }
    }

    /// Every complete line of every file, in order, parsed.
    static func records(_ config: AuditConfig) throws -> [JSON] {
        try files(config).flatMap { try lines(of: $0.content).map { try JSON.parse($0) } }
    }

    static func verify(_ config: AuditConfig, publicKey: Ed25519.PublicKey? = nil) -> AuditVerifier.Report {
        AuditVerifier.verify(files: files(config), publicKeys: publicKey.map { [$0] } ?? [],
                             checkpointEvery: config.checkpointEveryRecords)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

enum AuditLogFixture {
    /// An access record for request `id`.
    static func entry(_ id: String, status: Int = 200) -> AuditEntry {
        AuditEntry(time: .now(), requestID: id, clientID: "desk-1", role: "clerk", purpose: "登记案件 2026-0042",
                   propertyID: "LA2023001", sources: [.init(name: "land", status: .ok, latencyMs: 12)],
                   httpStatus: status, latencyMs: 15, remoteAddress: "10.0.0.7", traceID: "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    /// The fields every access line has, in order: the chain's two, then `AuditEntry.json()`'s.
    static let accessKeys = ["seq", "prev", "type", "time", "request_id", "client", "role", "purpose", "property_id",
                             "sources", "http_status", "latency_ms", "remote", "trace_id", "body_sha256"]

    /// Whether `condition` holds within `timeout`, checked every 20 ms.
    static func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// The error appending `entry` to `log` throws, or `nil` if it is written.
    static func appendError(_ log: AuditLog, _ entry: AuditEntry) async -> AuditLogError? {
        do throws(AuditLogError) {
            try await log.append(entry)
            return nil
        } catch {
            return error
        }
    }
}
