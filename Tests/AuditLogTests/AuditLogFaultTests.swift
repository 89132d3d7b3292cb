import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Glibc
import Testing

/// Faults put into the log's system calls: a missing, failing or hanging `fsync`, a refused
/// `ftruncate`, a full disk; each must fail closed, and the log must come back by itself.
struct AuditLogFaultTests {
    /// The reason of an `.unavailable` error; any other outcome is recorded as an issue.
    static func unavailableReason(_ error: AuditLogError?) -> String? {
        guard case .unavailable(let reason) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return nil
        }
        return reason
    }

    /// Once the fault is gone the log writes again by itself: it takes the last of `ids` and then
    /// holds exactly `ids`, in a chain that verifies.
    static func expectRecovery(_ log: AuditLog, _ config: AuditConfig, holding ids: [String]) async throws {
        #expect(await AuditLogFixture.eventually { log.isWritable })
        try await log.append(AuditLogFixture.entry(ids.last!))
        await log.close()
        #expect(try AuditFolder.records(config).compactMap { $0["request_id"]?.string } == ids)
        #expect(AuditFolder.verify(config).isIntact)
    }

    /// An append returns only after the bytes of its record were written and then synced: remove
    /// the `fsync` before the answer (or answer before it) and this fails.
    @Test func appendReturnsAfterItsRecordIsSynced() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let faults = AuditFaults()
        let log = try AuditLog(config: folder.config(), signingKey: nil, syscalls: faults.syscalls)
        for id in ["sync-1", "sync-2", "sync-3"] {
            try await log.append(AuditLogFixture.entry(id))
            let calls = faults.calls
            let written = try #require(calls.lastIndex { call in
                guard case .write(let path, let bytes) = call else { return false }
                return path.hasSuffix(".jsonl") && String(decoding: bytes, as: UTF8.self).contains(#""request_id":"\#(id)""#)
            }, "the record of \(id) was written before its append returned")
            guard case .write(let path, _) = calls[written] else { return }
            #expect(calls[(written + 1)...].contains(.fsync(path: path)),
                    "the file holding \(id) was synced after the record was written and before the append returned: \(calls)")
        }
        await log.close()
    }

    /// A failing `fsync` fails the append (503 for its request), cuts the batch back out, and the
    /// log writes again once `fsync` works.
    @Test func failingFsyncFailsClosedAndRecovers() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let faults = AuditFaults()
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil, syscalls: faults.syscalls)
        try await log.append(AuditLogFixture.entry("before"))
        let file = config.fileName(firstSeq: 1)
        faults.set { $0.failFsync[file] = EIO }
        let reason = Self.unavailableReason(await AuditLogFixture.appendError(log, AuditLogFixture.entry("lost")))
        #expect(reason?.contains("fsync") == true, "\(String(describing: reason))")
        #expect(!log.isWritable)
        #expect(faults.calls.contains { if case .truncate = $0 { true } else { false } }, "the failed batch was cut back")
        faults.set { $0.failFsync = [:] }
        try await Self.expectRecovery(log, config, holding: ["before", "after"])
    }

    /// When the failed batch cannot be cut back (`ftruncate` refused), nothing more is written
    /// after it: the log stays unavailable until the cut succeeds, and the lost record never
    /// appears between good ones.
    @Test func refusedTruncateKeepsTheLogClosed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let faults = AuditFaults()
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil, syscalls: faults.syscalls)
        try await log.append(AuditLogFixture.entry("before"))
        faults.set {
            $0.failFsync[config.fileName(firstSeq: 1)] = EIO
            $0.failTruncate = EPERM
        }
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("lost")) != nil)
        faults.set { $0.failFsync = [:] }
        // fsync works again, ftruncate does not: still closed.
        let reason = Self.unavailableReason(await AuditLogFixture.appendError(log, AuditLogFixture.entry("refused")))
        #expect(reason?.contains("cannot be cut back") == true, "\(String(describing: reason))")
        #expect(!log.isWritable)
        faults.set { $0.failTruncate = nil }
        try await Self.expectRecovery(log, config, holding: ["before", "after"])
    }

    /// A folder whose `fsync` fails: a new log file's name is not durable, so the log does not
    /// start writing; it does once the folder syncs.
    @Test func failingFolderSyncFailsClosed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let faults = AuditFaults()
        let config = folder.config()
        faults.set { $0.failFsync[config.directory] = EIO }
        let log = try AuditLog(config: config, signingKey: nil, syscalls: faults.syscalls)
        #expect(!log.isWritable)
        let reason = Self.unavailableReason(await AuditLogFixture.appendError(log, AuditLogFixture.entry("unsynced-folder")))
        #expect(reason?.contains("fsync \(config.directory)") == true, "\(String(describing: reason))")
        faults.set { $0.failFsync = [:] }
        try await Self.expectRecovery(log, config, holding: ["synced"])
    }

    /// A hung disk: an append not durable within `append_timeout_ms` fails with `.timedOut`, the
    /// log says it is not writable while the writer hangs, a record still waiting is never
    /// written, and `close` returns instead of waiting forever.
    @Test(.timeLimit(.minutes(1))) func hungFsyncTimesOut() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let faults = AuditFaults()
        var config = folder.config()
        config.appendTimeoutMs = 300
        let log = try AuditLog(config: config, signingKey: nil, syscalls: faults.syscalls)
        try await log.append(AuditLogFixture.entry("before"))
        faults.set { $0.hangFsync = true }
        let started = ContinuousClock.now
        let stuck = await AuditLogFixture.appendError(log, AuditLogFixture.entry("stuck"))
        #expect(stuck == .timedOut(milliseconds: 300))
        #expect(started.duration(to: .now) < .seconds(2))
        #expect(faults.isHanging)
        #expect(!log.isWritable, "not writable while the writer hangs")
        // Waits behind the hung batch, times out, and is dropped rather than written later.
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("queued")) == .timedOut(milliseconds: 300))

        let closing = ContinuousClock.now
        let closed = await log.close()
        #expect(!closed, "close reports that the writer did not finish")
        #expect(closing.duration(to: .now) < .seconds(2))
        faults.release()
        #expect(await AuditLogFixture.eventually { (try? AuditFolder.records(config).last?["type"]?.string) == "closed" })
        let ids = try AuditFolder.records(config).compactMap { $0["request_id"]?.string }
        #expect(ids == ["before", "stuck"], "the hung batch reaches the disk late; the one behind it never does")
        #expect(AuditFolder.verify(config).isIntact)
    }

    /// Retrying after a full disk reads only the tail of the newest file, whatever its size and
    /// `max_file_bytes`: memory stays bounded.
    @Test func retryingAfterAFullDiskReadsOnlyTheTail() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(maxFileBytes: AuditConfig.maxFileBytesLimit)
        // A 24 MB log file.
        var chain = AuditChain()
        var entry = AuditLogFixture.entry("bulk")
        entry.purpose = String(repeating: "x", count: 20_000)
        let line = { (chain: inout AuditChain) in chain.append(body: entry.encoded()) + [UInt8(ascii: "\n")] }
        var content: [UInt8] = []
        while content.count < 24 << 20 { content += line(&chain) }
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        try Data(content).write(to: URL(fileURLWithPath: path))

        let faults = AuditFaults()
        let log = try AuditLog(config: config, signingKey: nil, syscalls: faults.syscalls)
        #expect(await AuditLogFixture.eventually { log.isWritable && faults.calls.contains(.fsync(path: path)) })
        faults.set { $0.failWrite = ENOSPC }
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("full")) != nil)
        faults.resetBytesRead()
        // Five retries, each reopening the log.
        for _ in 0..<5 { _ = await AuditLogFixture.appendError(log, AuditLogFixture.entry("still-full")) }
        let read = faults.bytesRead
        #expect(read > 0 && read < 5 * 2 * (AuditLineFields.maxLineBytes + 64 << 10), "\(read) bytes read in five retries")
        faults.set { $0.failWrite = nil }
        #expect(await AuditLogFixture.eventually { log.isWritable })
        try await log.append(AuditLogFixture.entry("room-again"))
        await log.close()
        #expect(FileBytes.read(path)?.count ?? 0 > content.count)
    }

    /// A newest file whose last line has an absurd seq, or is longer than any record, stops the
    /// start with an error naming the file: never a trap (also not a line later, at 2^53 − 1).
    @Test(arguments: [
        #"{"seq":9007199254740991,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#,
        #"{"seq":9007199254740990,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#,
        #"{"seq":4503599627370496,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#,
        #"{"seq":9223372036854775807,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#,
        #"{"seq":-1,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#,
        #"{"seq":1,"prev":"\#(String(repeating: "0", count: 64))","type":"access","purpose":"\#(String(repeating: "x", count: 2 << 20))"}"#,
    ])
    func absurdLastLineRefusesStart(_ line: String) throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: nil) }
        guard case .corruptTail(let errorPath, let reason) = error else {
            Issue.record("expected corruptTail, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(!reason.isEmpty && reason.count < 300, "\(reason)")
    }
}
