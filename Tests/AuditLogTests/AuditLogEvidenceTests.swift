import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// What the writer does so that the log holds against someone who can write its volume: the
/// witness, the cadence kept across restarts, key changes, and recorded losses.
struct AuditLogEvidenceTests {
    /// `folder`'s config with a witness file in a folder of its own (standing for other storage).
    static func witnessedConfig(_ folder: AuditFolder, checkpointEveryRecords: Int = 5) -> AuditConfig {
        var config = folder.config(checkpointEveryRecords: checkpointEveryRecords)
        config.witnessFile = folder.path + "/other-volume/witness.jsonl"
        return config
    }

    static func witness(_ config: AuditConfig) throws -> AuditWitness {
        try AuditWitness(name: config.witnessFile!, content: FileBytes.read(config.witnessFile!) ?? [])
    }

    static func verify(_ config: AuditConfig, keys: [Ed25519.PublicKey], witness: AuditWitness? = nil) -> AuditVerifier.Report {
        AuditVerifier.verify(files: AuditFolder.files(config), publicKeys: keys, checkpointEvery: config.checkpointEveryRecords,
                             witness: witness)
    }

    /// Writes `count` records through a log opened on `config` and closes it.
    static func run(_ config: AuditConfig, key: Ed25519.PrivateKey?, records count: Int, prefix: String) async throws {
        let log = try AuditLog(config: config, signingKey: key)
        for index in 1...count { try await log.append(AuditLogFixture.entry("\(prefix)-\(index)")) }
        await log.close()
    }

    /// The cut-tail attack: a witnessed, signed log of `records` records whose file is cut back to
    /// its first `kept` lines. Returns the file's path and all its lines before the cut.
    static func cutLog(_ config: AuditConfig, key: Ed25519.PrivateKey, records: Int, keeping kept: Int) async throws -> (path: String, lines: [[UInt8]]) {
        try await run(config, key: key, records: records, prefix: "cut")
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        let lines = AuditFolder.lines(of: try #require(FileBytes.read(path)))
        try Data(AuditFolder.content(Array(lines.prefix(kept)))).write(to: URL(fileURLWithPath: path))
        return (path, lines)
    }

    /// Every signed checkpoint line is also in the witness, byte for byte and in order, and the log
    /// verifies against it.
    @Test func checkpointsAreWitnessed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = Self.witnessedConfig(folder)
        let key = Ed25519.PrivateKey.generate()
        try await Self.run(config, key: key, records: 12, prefix: "w")
        let checkpoints = AuditFolder.files(config).flatMap { AuditFolder.lines(of: $0.content) }
            .filter { (try? AuditLineFields($0).type) == "checkpoint" }
        #expect(checkpoints.count >= 3)
        #expect(AuditFolder.lines(of: FileBytes.read(config.witnessFile!) ?? []) == checkpoints)
        let report = Self.verify(config, keys: [key.publicKey], witness: try Self.witness(config))
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.witnessedCheckpoints == checkpoints.count)
    }

    /// The cut-tail attack on a restart: a log cut back behind its witness is refused, naming both;
    /// nothing is written to it.
    @Test func restartOnACutLogIsRefused() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = Self.witnessedConfig(folder)
        let key = Ed25519.PrivateKey.generate()
        let (path, lines) = try await Self.cutLog(config, key: key, records: 20, keeping: 9)
        let cut = AuditFolder.content(Array(lines.prefix(9)))

        let error = #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: key) }
        guard case .behindWitness(let log, let logSeq, let witness, let witnessSeq) = error else {
            Issue.record("expected behindWitness, got \(String(describing: error))")
            return
        }
        #expect(log == path && logSeq == 9 && witness == config.witnessFile && witnessSeq == lines.count)
        #expect(error?.description.contains(config.witnessFile!) == true)
        #expect(FileBytes.read(path) == cut, "the cut log is left as it is")
    }

    /// A log whose last witnessed checkpoint was replaced (the tail rewritten, padded past the cut)
    /// is refused as changed.
    @Test func restartOnARewrittenTailIsRefused() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = Self.witnessedConfig(folder)
        let key = Ed25519.PrivateKey.generate()
        try await Self.run(config, key: key, records: 8, prefix: "re")
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        var lines = AuditFolder.lines(of: try #require(FileBytes.read(path)))
        // Cut back before the last checkpoint and pad with forged records to the same length.
        let keep = lines.count - 3
        var chain = try AuditChain.after(line: lines[keep - 1])
        lines = Array(lines.prefix(keep))
        for index in 0..<4 { lines.append(chain.append(body: AuditLogFixture.entry("forged-\(index)").encoded())) }
        try Data(AuditFolder.content(lines)).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: key) }
        guard case .witnessMismatch(let log, let witness, _) = error else {
            Issue.record("expected witnessMismatch, got \(String(describing: error))")
            return
        }
        #expect(log == path && witness == config.witnessFile)
    }

    /// After a real loss the operator records it: the gap is in the log, signed and witnessed,
    /// verify shows it, and the gateway starts again.
    @Test func acceptedLossIsRecordedSignedAndWitnessed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = Self.witnessedConfig(folder)
        let key = Ed25519.PrivateKey.generate()
        let (path, _) = try await Self.cutLog(config, key: key, records: 20, keeping: 9)
        let lastWitnessed = try #require(try Self.witness(config).last)

        let loss = try AuditLog.acceptLoss(config: config, signingKey: key, note: "disk replaced, INC-42, approved by J. Wang")
        #expect(loss.witnessSeq == lastWitnessed.seq)
        #expect(loss.witnessLineSHA256 == Hex.encode(Digest.sha256(lastWitnessed.bytes)))
        let records = try AuditFolder.records(config)
        let opened = try #require(records.first { $0["reason"]?.string == "loss" })
        #expect(opened["seq"]?.integer == 10)
        #expect(opened["loss"]?["note"]?.string == "disk replaced, INC-42, approved by J. Wang")
        #expect(records.suffix(2).map { $0["type"]?.string } == ["closed", "checkpoint"])
        #expect(try Self.witness(config).last.map { Array($0.bytes) } == AuditFolder.lines(of: try #require(FileBytes.read(path))).last,
                "the checkpoint after the loss is witnessed")

        // Recorded once; a second time there is nothing to accept.
        #expect(throws: AuditLogError.self) { try AuditLog.acceptLoss(config: config, signingKey: key, note: "again") }
        try await Self.run(config, key: key, records: 2, prefix: "after")
        let report = Self.verify(config, keys: [key.publicKey], witness: try Self.witness(config))
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.losses.map(\.seq) == [10])
        #expect(report.lostWitnessedCheckpoints > 0)
    }

    /// The cadence goes on across a restart: a run that ended without a checkpoint (a crash)
    /// leaves unsigned lines, and the next run signs after exactly as many more as make the cadence.
    @Test func cadenceContinuesAcrossARestart() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 10)
        let key = Ed25519.PrivateKey.generate()
        // A crashed run: opened, 2 records, a checkpoint, then 6 unsigned lines.
        var chain = AuditChain()
        var lines = [chain.append(body: AuditRunLine.opened(reason: .start, repairedBytes: 0, checkpointEvery: 10))]
        for index in 1...2 { lines.append(chain.append(body: AuditLogFixture.entry("crashed-\(index)").encoded())) }
        lines.append(chain.append(body: AuditCheckpoint.body(after: chain, signingKey: key, time: .now())))
        for index in 3...8 { lines.append(chain.append(body: AuditLogFixture.entry("crashed-\(index)").encoded())) }
        try Data(AuditFolder.content(lines)).write(to: URL(fileURLWithPath: config.directory + "/" + config.fileName(firstSeq: 1)))

        let log = try AuditLog(config: config, signingKey: key)
        for index in 1...4 { try await log.append(AuditLogFixture.entry("next-\(index)")) }
        let types = try AuditFolder.records(config).compactMap { $0["type"]?.string }
        // 6 unsigned + opened + 3 records = 10: the checkpoint comes right after the third record.
        #expect(Array(types.suffix(3)) == ["access", "checkpoint", "access"], "\(types)")
        await log.close()
        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.uncleanEnds.count == 1, "the crashed run is shown")
        #expect(report.newestRun?.closed == true)
    }

    /// SIGHUP with a new key: the old key signs a checkpoint, a key line names the new key, and the
    /// new key signs from there; verify needs both keys.
    @Test func rotationTakesOverAtACheckpointBoundary() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = Self.witnessedConfig(folder, checkpointEveryRecords: 100)
        let old = Ed25519.PrivateKey.generate(), new = Ed25519.PrivateKey.generate()
        let log = try AuditLog(config: config, signingKey: old)
        for index in 1...3 { try await log.append(AuditLogFixture.entry("old-\(index)")) }
        log.rotateSigningKey(to: new)
        #expect(await AuditLogFixture.eventually { (try? AuditFolder.records(config).last?["type"]?.string) == "key" })
        for index in 1...3 { try await log.append(AuditLogFixture.entry("new-\(index)")) }
        await log.close()

        let records = try AuditFolder.records(config)
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "access", "access", "checkpoint", "key",
                                                      "access", "access", "access", "closed", "checkpoint"])
        #expect(records[4]["key_id"]?.string == AuditCheckpoint.keyID(of: old.publicKey))
        #expect(records[5]["key_id"]?.string == AuditCheckpoint.keyID(of: new.publicKey))
        #expect(records[5]["previous_key_id"]?.string == AuditCheckpoint.keyID(of: old.publicKey))
        #expect(records[10]["key_id"]?.string == AuditCheckpoint.keyID(of: new.publicKey))
        let both = Self.verify(config, keys: [old.publicKey, new.publicKey], witness: try Self.witness(config))
        #expect(both.isIntact, "\(String(describing: both.problem))")
        #expect(both.signingKeys == [old.publicKey, new.publicKey].map(AuditCheckpoint.keyID(of:)))
        #expect(Self.verify(config, keys: [old.publicKey]).problem?.kind == .badSignature)
    }

    /// Started with another key than the one that signed the log's last checkpoint (the key file
    /// changed while stopped): a key line after the opened line names the new key.
    @Test func keyChangedWhileStoppedIsAnnounced() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 100)
        let old = Ed25519.PrivateKey.generate(), new = Ed25519.PrivateKey.generate()
        try await Self.run(config, key: old, records: 2, prefix: "a")
        try await Self.run(config, key: new, records: 2, prefix: "b")
        let types = try AuditFolder.records(config).compactMap { $0["type"]?.string }
        #expect(types == ["opened", "access", "access", "closed", "checkpoint", "opened", "key", "access", "access", "closed", "checkpoint"])
        #expect(Self.verify(config, keys: [old.publicKey, new.publicKey]).isIntact)
        #expect(Self.verify(config, keys: [new.publicKey]).problem?.kind == .badSignature)
    }
}
