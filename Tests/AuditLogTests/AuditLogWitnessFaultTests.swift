import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import Glibc
import Testing

/// A witness on other storage that fails: the log and its witness stay such that the witness never
/// holds a checkpoint the log does not, which a start refuses as a cut log.
struct AuditLogWitnessFaultTests {
    /// A witnessed log in `folder` that signs after every record, written through faults, holding
    /// the record `before`.
    static func signEveryRecord(in folder: AuditFolder) async throws -> (AuditConfig, Ed25519.PrivateKey, AuditFaults, AuditLog) {
        let config = AuditLogEvidenceTests.witnessedConfig(folder, checkpointEveryRecords: 1)
        let key = Ed25519.PrivateKey.generate()
        let faults = AuditFaults()
        let log = try AuditLog(config: config, signingKey: key, syscalls: faults.syscalls)
        try await log.append(AuditLogFixture.entry("before"))
        return (config, key, faults, log)
    }

    /// The witness's sync fails and so does cutting it back: the batch stays in the log too (its
    /// caller still fails, as with a hung disk), so a restart (the operator's answer to an audit
    /// log that stays unavailable) finds the log holding what the witness holds, and starts.
    @Test func witnessThatCannotBeCutBackKeepsTheBatchInTheLog() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let (config, key, faults, log) = try await Self.signEveryRecord(in: folder)
        faults.set {
            $0.failFsync["witness.jsonl"] = EIO
            $0.failTruncateOf["witness.jsonl"] = EIO
        }
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("unanswered")) != nil)
        await log.close()

        let restarted = try AuditLog(config: config, signingKey: key)
        try await restarted.append(AuditLogFixture.entry("after"))
        await restarted.close()
        let ids = try AuditFolder.records(config).compactMap { $0["request_id"]?.string }
        #expect(ids == ["before", "unanswered", "after"])
        let report = AuditLogEvidenceTests.verify(config, keys: [key.publicKey], witness: try AuditLogEvidenceTests.witness(config))
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }

    /// The witness's sync fails for a while (also the sync of its cut back): both are cut back,
    /// the witness first, and writing goes on with neither holding the failed batch.
    @Test func failedWitnessSyncIsCutBackOutOfBoth() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let (config, key, faults, log) = try await Self.signEveryRecord(in: folder)
        faults.set { $0.failFsync["witness.jsonl"] = EIO }
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("lost")) != nil)
        faults.set { $0.failFsync = [:] }
        try await AuditLogFaultTests.expectRecovery(log, config, holding: ["before", "after"])
        let cuts = faults.calls.compactMap { call -> String? in
            if case .truncate(let path, _) = call { String(path.split(separator: "/").last ?? "") } else { nil }
        }
        let logCut = try #require(cuts.firstIndex(of: config.fileName(firstSeq: 1)), "\(cuts)")
        #expect(cuts.prefix(logCut).allSatisfy { $0 == "witness.jsonl" } && logCut > 0, "the witness is cut back first: \(cuts)")
        await log.close()
        let report = AuditLogEvidenceTests.verify(config, keys: [key.publicKey], witness: try AuditLogEvidenceTests.witness(config))
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }
}
