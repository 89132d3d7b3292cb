import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import Testing

/// Which key signs a log from its end on, as a restart reads it: the newest of its last
/// checkpoint's key and a key line after that checkpoint.
struct AuditLogRestartKeyTests {
    /// A run that rotated to `new` by SIGHUP and crashed before the new key signed: opened, a
    /// record, a checkpoint by `old`, the key line naming `new`, a record.
    static func crashedAfterRotation(_ config: AuditConfig, old: Ed25519.PrivateKey, new: Ed25519.PrivateKey) throws {
        var chain = AuditChain()
        var lines = [chain.append(body: AuditRunLine.opened(reason: .start, repairedBytes: 0, checkpointEvery: 100))]
        lines.append(chain.append(body: AuditLogFixture.entry("before").encoded()))
        lines.append(chain.append(body: AuditCheckpoint.body(after: chain, signingKey: old, time: .now())))
        lines.append(chain.append(body: AuditRunLine.key(AuditCheckpoint.keyID(of: new.publicKey), previous: AuditCheckpoint.keyID(of: old.publicKey),
                                                         reason: .reload)))
        lines.append(chain.append(body: AuditLogFixture.entry("after").encoded()))
        try Data(AuditFolder.content(lines)).write(to: URL(fileURLWithPath: config.directory + "/" + config.fileName(firstSeq: 1)))
    }

    static func types(_ config: AuditConfig) throws -> [String] {
        try AuditFolder.records(config).compactMap { $0["type"]?.string }
    }

    /// Restarted with the old key (the operator went back to it): the key line after the last
    /// checkpoint named the new one, so a key line back to the old key follows the opened line,
    /// and verify sees no unannounced key change.
    @Test func restartWithTheKeyBeforeARotationAnnouncesIt() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 100)
        let old = Ed25519.PrivateKey.generate(), new = Ed25519.PrivateKey.generate()
        try Self.crashedAfterRotation(config, old: old, new: new)
        try await AuditLogEvidenceTests.run(config, key: old, records: 1, prefix: "back")
        #expect(try Self.types(config).suffix(5) == ["opened", "key", "access", "closed", "checkpoint"])
        let report = AuditLogEvidenceTests.verify(config, keys: [old.publicKey, new.publicKey])
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }

    /// Restarted with the new key: it already signs from the key line on, so no other key line.
    @Test func restartWithTheRotatedKeyNeedsNoKeyLine() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 100)
        let old = Ed25519.PrivateKey.generate(), new = Ed25519.PrivateKey.generate()
        try Self.crashedAfterRotation(config, old: old, new: new)
        try await AuditLogEvidenceTests.run(config, key: new, records: 1, prefix: "on")
        #expect(try Self.types(config).suffix(4) == ["opened", "access", "closed", "checkpoint"])
        let report = AuditLogEvidenceTests.verify(config, keys: [old.publicKey, new.publicKey])
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }
}
