import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// Writing: what lands in the file, group commit, checkpoints and rotation.
struct AuditLogWriteTests {
    /// A new log writes its `opened` line at once, before any record arrives.
    @Test func openedLineWrittenOnStart() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        #expect(log.isWritable)
        #expect(await AuditLogFixture.eventually { (try? AuditFolder.records(config).count) == 1 })
        let opened = try #require(try AuditFolder.records(config).first)
        #expect(opened.members.map(\.key) == ["seq", "prev", "type", "time", "reason", "repaired_bytes", "checkpoint_every_records"])
        #expect(opened["checkpoint_every_records"]?.integer == config.checkpointEveryRecords)
        #expect(opened["seq"]?.integer == 1)
        #expect(opened["prev"]?.string == String(repeating: "0", count: 64))
        #expect(opened["type"]?.string == "opened")
        #expect(opened["reason"]?.string == "start")
        #expect(opened["repaired_bytes"]?.integer == 0)
        await log.close()
    }

    /// Three appends give `audit-000000000001.jsonl` with the opened line and three access lines that verify.
    @Test func threeAppends() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        for id in ["r-1", "r-2", "r-3"] {
            try await log.append(AuditLogFixture.entry(id))
        }
        // Each append returns only once its line is in the file.
        #expect(try AuditFolder.records(config).count == 4)
        await log.close()

        #expect(AuditFolder.fileNames(config) == ["audit-000000000001.jsonl"])
        let records = try AuditFolder.records(config)
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "access", "access", "closed"])
        #expect(records.map { $0["seq"]?.integer } == [1, 2, 3, 4, 5])
        let access = Array(records.dropFirst().dropLast())
        #expect(access.map { $0["request_id"]?.string } == ["r-1", "r-2", "r-3"])
        for record in access {
            #expect(record.members.map(\.key) == AuditLogFixture.accessKeys)
            #expect(record["purpose"]?.string == "登记案件 2026-0042")
            #expect(record["sources"]?.elements.map { $0["status"]?.string } == ["ok"])
        }
        // The line is exactly what the chain makes of AuditEntry.json(): nothing added, nothing lost.
        let content = try #require(AuditFolder.files(config).first?.content)
        let lines = AuditFolder.lines(of: content)
        var chain = try AuditChain.after(line: lines[0])
        let entry = AuditLogFixture.entry("r-1")
        let expected = try JSON.parse(chain.append(body: entry.encoded()))
        expected["time"] = access[0]["time"]
        #expect(access[0] == expected)

        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == 5 && report.firstSeq == 1 && report.lastSeq == 5)
        #expect(report.checkpoints == 0)
    }

    /// 200 concurrent appends all succeed, each request id once, seq strictly 1…N, and the chain verifies.
    @Test func groupCommit() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        let count = 200
        let failures = await withTaskGroup(of: AuditLogError?.self) { group in
            for index in 0..<count {
                group.addTask { await AuditLogFixture.appendError(log, AuditLogFixture.entry("c-\(index)")) }
            }
            return await group.reduce(into: [AuditLogError]()) { if let error = $1 { $0.append(error) } }
        }
        #expect(failures.isEmpty)
        await log.close()

        let records = try AuditFolder.records(config)
        #expect(records.compactMap { $0["seq"]?.integer } == Array(1...(count + 2)))
        let ids = records.compactMap { $0["request_id"]?.string }
        #expect(ids.count == count)
        #expect(Set(ids) == Set((0..<count).map { "c-\($0)" }))
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == count + 2)
    }

    /// Every 10 records a checkpoint, and one on close; all signatures verify with the public key.
    @Test func checkpointsEveryTenRecordsAndOnClose() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 10)
        let key = Ed25519.PrivateKey.generate()
        let log = try AuditLog(config: config, signingKey: key)
        for index in 1...25 {
            try await log.append(AuditLogFixture.entry("k-\(index)"))
        }
        await log.close()

        let records = try AuditFolder.records(config)
        let types = records.compactMap { $0["type"]?.string }
        let checkpoints = records.filter { $0["type"]?.string == "checkpoint" }
        #expect(checkpoints.count >= 3)
        #expect(types.filter { $0 == "access" }.count == 25)
        #expect(types.last == "checkpoint", "close writes a final checkpoint")
        for checkpoint in checkpoints {
            #expect(checkpoint["key_id"]?.string == AuditCheckpoint.keyID(of: key.publicKey))
        }
        // No more than 10 lines go by without a checkpoint (appends come one at a time here).
        let runs = types.split(separator: "checkpoint", omittingEmptySubsequences: false).map(\.count)
        #expect(runs.allSatisfy { $0 <= 10 }, "\(runs)")

        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.checkpoints == checkpoints.count)
        #expect(report.verifiedSignatures == checkpoints.count)
        #expect(report.linesAfterLastVerifiedCheckpoint == 0)
        let other = AuditFolder.verify(config, publicKey: Ed25519.PrivateKey.generate().publicKey)
        #expect(other.problem?.kind == .badSignature)
    }

    /// Appends that arrive together share a batch, and the batch still gets a checkpoint after
    /// exactly every 10 lines: the log verifies with the key, which allows no longer run.
    @Test func checkpointsKeepTheirCadenceInsideABatch() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 10)
        let key = Ed25519.PrivateKey.generate()
        let log = try AuditLog(config: config, signingKey: key)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { _ = await AuditLogFixture.appendError(log, AuditLogFixture.entry("b-\(index)")) }
            }
        }
        await log.close()
        let types = try AuditFolder.records(config).compactMap { $0["type"]?.string }
        let runs = types.split(separator: "checkpoint", omittingEmptySubsequences: false).map(\.count)
        #expect(runs.allSatisfy { $0 <= 10 }, "\(runs)")
        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }

    /// With a checkpoint after every line, the opened and closed lines get their own too, and
    /// the log verifies against that cadence.
    @Test func cadenceOfOneSignsEveryLine() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 1)
        let key = Ed25519.PrivateKey.generate()
        let log = try AuditLog(config: config, signingKey: key)
        for index in 1...3 {
            try await log.append(AuditLogFixture.entry("one-\(index)"))
        }
        await log.close()
        let types = try AuditFolder.records(config).compactMap { $0["type"]?.string }
        #expect(types == ["opened", "checkpoint", "access", "checkpoint", "access", "checkpoint", "access", "checkpoint",
                          "closed", "checkpoint"])
        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
    }

    /// A checkpoint is also written when `checkpointEverySeconds` have passed, without more records or a close.
    @Test func checkpointAfterSeconds() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 1000, checkpointEverySeconds: 1)
        let key = Ed25519.PrivateKey.generate()
        let log = try AuditLog(config: config, signingKey: key)
        try await log.append(AuditLogFixture.entry("t-1"))
        let written = await AuditLogFixture.eventually {
            ((try? AuditFolder.records(config)) ?? []).contains { $0["type"]?.string == "checkpoint" }
        }
        #expect(written)
        await log.close()
        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.verifiedSignatures >= 1)
    }

    /// Without a signing key no checkpoint is ever written, not even on close.
    @Test func noKeyNoCheckpoints() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 2)
        let log = try AuditLog(config: config, signingKey: nil)
        for index in 1...5 {
            try await log.append(AuditLogFixture.entry("n-\(index)"))
        }
        await log.close()
        let records = try AuditFolder.records(config)
        #expect(records.count == 7)
        #expect(records.last?["type"]?.string == "closed")
        #expect(!records.contains { $0["type"]?.string == "checkpoint" })
        #expect(AuditFolder.verify(config).isIntact)
    }

    /// With 4096-byte files, 100 records fill several files, each named by its first seq and linked to the one before.
    @Test func rotation() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(maxFileBytes: 4096)
        let log = try AuditLog(config: config, signingKey: nil)
        for index in 1...100 {
            try await log.append(AuditLogFixture.entry("rot-\(index)"))
        }
        await log.close()

        let files = AuditFolder.files(config)
        #expect(files.count >= 3)
        var previousLast: [UInt8]?
        var seqs: [Int] = []
        for (offset, file) in files.enumerated() {
            let lines = AuditFolder.lines(of: file.content)
            let first = try AuditLineFields(try #require(lines.first))
            #expect(file.name == config.fileName(firstSeq: first.seq), "named by its first seq")
            if let previousLast {
                #expect(first.prev == Digest.sha256(previousLast), "\(file.name) links to the previous file's last line")
            } else {
                #expect(first.prev == AuditChain.genesis)
            }
            if offset < files.count - 1 {
                // Full, but only by the last batch (one line here): rotation happens as soon as a file is full.
                #expect(file.content.count >= 4096, "\(file.name)")
                #expect(file.content.count - lines.last!.count - 1 < 4096, "\(file.name)")
            }
            #expect(AuditVerifier.verify(files: [file]).isIntact, "\(file.name) verifies alone")
            seqs += try lines.map { try AuditLineFields($0).seq }
            previousLast = lines.last
        }
        // Nothing overwritten: every line from 1 to the end is there exactly once.
        #expect(seqs == Array(1...102))
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == 102)
    }

    /// Reopening a log whose newest file is already full starts the next file with the `opened` line.
    @Test func rotationOnReopen() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let big = folder.config()
        var log = try AuditLog(config: big, signingKey: nil)
        var index = 0
        while (AuditFolder.files(big).first?.content.count ?? 0) < 4096 {
            index += 1
            try await log.append(AuditLogFixture.entry("full-\(index)"))
        }
        await log.close()
        let lastSeq = index + 2

        let small = folder.config(maxFileBytes: 4096)
        log = try AuditLog(config: small, signingKey: nil)
        try await log.append(AuditLogFixture.entry("next"))
        await log.close()
        #expect(AuditFolder.fileNames(small) == [small.fileName(firstSeq: 1), small.fileName(firstSeq: lastSeq + 1)])
        let second = try #require(AuditFolder.files(small).last)
        let types = AuditFolder.lines(of: second.content).map { try? JSON.parse($0)["type"]?.string }
        #expect(types == ["opened", "access", "closed"])
        #expect(AuditFolder.verify(small).isIntact)
    }
}
