import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Synchronization
import Testing

/// Restarts, torn and corrupt tails, failing closed and recovering, and closing.
struct AuditLogRecoveryTests {
    /// After a restart seq continues, a second `opened` line is written, and the chain verifies across both runs.
    @Test func restartContinuesTheChain() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let key = Ed25519.PrivateKey.generate()
        var log = try AuditLog(config: config, signingKey: key)
        for id in ["a-1", "a-2", "a-3"] { try await log.append(AuditLogFixture.entry(id)) }
        await log.close()
        log = try AuditLog(config: config, signingKey: key)
        for id in ["b-1", "b-2"] { try await log.append(AuditLogFixture.entry(id)) }
        await log.close()

        #expect(AuditFolder.fileNames(config) == ["audit-000000000001.jsonl"])
        let records = try AuditFolder.records(config)
        #expect(records.compactMap { $0["seq"]?.integer } == Array(1...11))
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "access", "access", "closed", "checkpoint",
                                                      "opened", "access", "access", "closed", "checkpoint"])
        let opened = records.filter { $0["type"]?.string == "opened" }
        #expect(opened.map { $0["reason"]?.string } == ["start", "start"])
        #expect(opened.map { $0["repaired_bytes"]?.integer } == [0, 0])
        #expect(records.compactMap { $0["request_id"]?.string } == ["a-1", "a-2", "a-3", "b-1", "b-2"])
        let report = AuditFolder.verify(config, publicKey: key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.verifiedSignatures == 2 && report.linesAfterLastVerifiedCheckpoint == 0)
    }

    /// A torn last line is cut off on open, the `opened` line says how many bytes, and the chain verifies.
    @Test func tornTailIsRepaired() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        var log = try AuditLog(config: config, signingKey: nil)
        for id in ["t-1", "t-2", "t-3"] { try await log.append(AuditLogFixture.entry(id)) }
        await log.close()
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        let intact = try #require(FileBytes.read(path))
        let garbage = Array(#"{"seq":99,"prev":"ab"#.utf8)
        try Data(intact + garbage).write(to: URL(fileURLWithPath: path))

        log = try AuditLog(config: config, signingKey: nil)
        try await log.append(AuditLogFixture.entry("t-4"))
        await log.close()

        let content = try #require(FileBytes.read(path))
        #expect(Array(content.prefix(intact.count)) == intact, "the records before the torn line are kept")
        #expect(!String(decoding: content, as: UTF8.self).contains(#""seq":99"#))
        let records = try AuditFolder.records(config)
        #expect(records.compactMap { $0["seq"]?.integer } == Array(1...8))
        let reopened = try #require(records.last { $0["type"]?.string == "opened" })
        #expect(reopened["seq"]?.integer == 6)
        #expect(reopened["reason"]?.string == "start")
        #expect(reopened["repaired_bytes"]?.integer == garbage.count)
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == 8)
    }

    /// A newest file holding only a torn line (or nothing) is reused, and its first line links to the file before.
    @Test(arguments: [#"{"seq":5,"prev":"0"#, ""])
    func tornNewFileContinuesPreviousFile(_ torn: String) async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        var log = try AuditLog(config: config, signingKey: nil)
        for id in ["p-1", "p-2", "p-3"] { try await log.append(AuditLogFixture.entry(id)) }
        await log.close()
        let newPath = config.directory + "/" + config.fileName(firstSeq: 6)
        #expect(FileManager.default.createFile(atPath: newPath, contents: Data(torn.utf8)))

        log = try AuditLog(config: config, signingKey: nil)
        try await log.append(AuditLogFixture.entry("p-4"))
        await log.close()

        #expect(AuditFolder.fileNames(config) == [config.fileName(firstSeq: 1), config.fileName(firstSeq: 6)])
        let files = AuditFolder.files(config)
        let first = AuditFolder.lines(of: files[0].content)
        let second = AuditFolder.lines(of: files[1].content)
        #expect(first.count == 5 && second.count == 3)
        let opened = try JSON.parse(second[0])
        #expect(opened["seq"]?.integer == 6)
        #expect(opened["type"]?.string == "opened")
        #expect(opened["repaired_bytes"]?.integer == torn.utf8.count)
        #expect(try AuditLineFields(second[0]).prev == Digest.sha256(first[4]))
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == 8)
    }

    /// An empty newest file after a previous file that holds no complete line: the chain's end is
    /// unknown, so opening fails instead of restarting at seq 1 inside a file named for seq 5.
    @Test func emptyNewestFileAfterTornPreviousFileThrows() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        for id in ["f-1", "f-2", "f-3"] { try await log.append(AuditLogFixture.entry(id)) }
        await log.close()
        let previous = config.directory + "/" + config.fileName(firstSeq: 1)
        try Data(#"{"seq":1,"prev":"00"#.utf8).write(to: URL(fileURLWithPath: previous))
        let newest = config.directory + "/" + config.fileName(firstSeq: 5)
        #expect(FileManager.default.createFile(atPath: newest, contents: Data()))

        let error = #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: nil) }
        guard case .corruptTail(let path, _) = error else {
            Issue.record("expected corruptTail, got \(String(describing: error))")
            return
        }
        #expect(path == previous)
        #expect(FileBytes.read(newest)?.isEmpty == true, "nothing is written into the newest file")
    }

    /// An empty newest file after a previous file that cannot be read: the log stays unavailable
    /// and writes nothing rather than forking the chain.
    @Test func emptyNewestFileAfterUnreadablePreviousFileFailsClosed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let previous = config.directory + "/" + config.fileName(firstSeq: 1)
        try FileManager.default.createDirectory(atPath: previous, withIntermediateDirectories: false)
        let newest = config.directory + "/" + config.fileName(firstSeq: 5)
        #expect(FileManager.default.createFile(atPath: newest, contents: Data()))

        let log = try AuditLog(config: config, signingKey: nil)
        #expect(!log.isWritable)
        let error = await AuditLogFixture.appendError(log, AuditLogFixture.entry("forked"))
        guard case .unavailable = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        await log.close()
        #expect(FileBytes.read(newest)?.isEmpty == true, "no record restarts the chain at seq 1")
    }

    /// A complete last line that is not a record stops the log from opening, and the file is left as it was.
    @Test(arguments: ["not json\n", #"{"seq":5}"# + "\n", "\n", #"{"seq":5,"prev":"00","type":"access"}"# + "\n"])
    func corruptTailThrows(_ tail: String) async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        try await log.append(AuditLogFixture.entry("c-1"))
        await log.close()
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        let corrupted = try #require(FileBytes.read(path)) + Array(tail.utf8)
        try Data(corrupted).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: nil) }
        guard case .corruptTail(let errorPath, let reason) = error else {
            Issue.record("expected corruptTail, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(!reason.isEmpty)
        #expect(FileBytes.read(path) == corrupted)
    }

    /// When opening fails on a corrupt tail, no descriptor is left open on the file.
    @Test func corruptTailLeavesNoDescriptorOpen() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        await log.close()
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        try Data(try #require(FileBytes.read(path)) + Array("not json\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(OpenFiles.descriptors(for: path) == 0)
        #expect(throws: AuditLogError.self) { try AuditLog(config: config, signingKey: nil) }
        #expect(OpenFiles.descriptors(for: path) == 0)
    }

    /// A stray file whose name has non-ASCII "digits" is not taken for the log's newest file.
    @Test func strayFileIsNotAdopted() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let stray = config.directory + "/audit-１２３４５６７８９０１２.jsonl"
        #expect(FileManager.default.createFile(atPath: stray, contents: Data()))
        let log = try AuditLog(config: config, signingKey: nil)
        try await log.append(AuditLogFixture.entry("s-1"))
        await log.close()
        #expect(FileBytes.read(stray)?.isEmpty == true)
        #expect(FileManager.default.fileExists(atPath: config.directory + "/" + config.fileName(firstSeq: 1)))
    }

    /// Parent of the log folder is a regular file: the log starts unavailable, appends fail, and it recovers by itself.
    @Test func failsClosedAndRecovers() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let blocker = folder.path + "/blocker"
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("not a folder".utf8)))
        let config = AuditConfig(path: blocker + "/audit.jsonl")

        let log = try AuditLog(config: config, signingKey: nil)
        #expect(!log.isWritable)
        let error = await AuditLogFixture.appendError(log, AuditLogFixture.entry("blocked-1"))
        guard case .unavailable(let reason) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            return
        }
        #expect(!reason.isEmpty)
        #expect(!log.isWritable)

        try FileManager.default.removeItem(atPath: blocker)
        // The retrying writer may create the folder itself (mkdir -p) as soon as the file is gone.
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        #expect(await AuditLogFixture.eventually { log.isWritable })
        try await log.append(AuditLogFixture.entry("after-1"))
        await log.close()

        let records = try AuditFolder.records(config)
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "closed"])
        #expect(records.first?["reason"]?.string == "recovered")
        #expect(records.first?["repaired_bytes"]?.integer == 0)
        #expect(records.compactMap { $0["request_id"]?.string } == ["after-1"], "the failed record was never written")
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.firstSeq == 1 && report.lines == 3)
    }

    /// Newest file unreadable (a folder in its place): unavailable, then writable again once it is gone.
    @Test func unreadableNewestFileRecovers() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let squatter = config.directory + "/" + config.fileName(firstSeq: 1)
        try FileManager.default.createDirectory(atPath: squatter, withIntermediateDirectories: false)
        let log = try AuditLog(config: config, signingKey: nil)
        #expect(!log.isWritable)
        #expect(await AuditLogFixture.appendError(log, AuditLogFixture.entry("blocked")) != nil)
        try FileManager.default.removeItem(atPath: squatter)
        #expect(await AuditLogFixture.eventually { log.isWritable })
        try await log.append(AuditLogFixture.entry("after"))
        await log.close()
        let records = try AuditFolder.records(config)
        #expect(records.map { $0["type"]?.string } == ["opened", "access", "closed"])
        #expect(records.first?["reason"]?.string == "recovered")
        #expect(AuditFolder.verify(config).isIntact)
    }

    /// While unavailable the writer retries every 0.2 s (a handful of attempts a second), not in a busy loop.
    @Test func unavailableWriterRetriesCalmly() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        // Every attempt lists the folder and opens the newest "file", which is a folder: two opens per attempt.
        try FileManager.default.createDirectory(atPath: config.directory + "/" + config.fileName(firstSeq: 1),
                                                withIntermediateDirectories: false)
        let log = try AuditLog(config: config, signingKey: nil)
        #expect(!log.isWritable)
        let opens = try await OpenCounter.opens(in: config.directory, during: .seconds(1))
        #expect(!log.isWritable)
        #expect(opens > 0, "the writer keeps trying")
        #expect(opens < 100, "\(opens == Int.max ? "more than the inotify queue holds" : "\(opens)") opens of the log folder in 1 s while unavailable")
        await log.close()
    }

    /// A write that fails half way (file size limit) is cut back out, fails its caller, and the log recovers.
    @Test func failedWriteIsCutBackAndRecovers() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        // A valid first file of 8 MB (eight lines just under the 1 MiB a line may have), so the size
        // limit below is far above what any other test writes.
        var chain = AuditChain()
        var big = AuditLogFixture.entry("big")
        big.purpose = String(repeating: "x", count: 1_000_000)
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        let bigLines = (1...8).flatMap { _ in chain.append(body: big.encoded()) + [UInt8(ascii: "\n")] }
        try Data(bigLines).write(to: URL(fileURLWithPath: path))

        let log = try AuditLog(config: config, signingKey: nil)
        #expect(await AuditLogFixture.eventually { (try? AuditFolder.records(config).count) == 9 })
        let size = try #require(FileBytes.read(path)).count

        let error = try await FileSizeLimit.limited(to: size + 100) {
            await AuditLogFixture.appendError(log, AuditLogFixture.entry("too-big"))
        }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected unavailable, got \(String(describing: error))")
            await log.close()
            return
        }
        #expect(reason.contains("write"), "\(reason)")

        #expect(await AuditLogFixture.eventually { log.isWritable })
        try await log.append(AuditLogFixture.entry("fits"))
        await log.close()

        let records = try AuditFolder.records(config)
        #expect(records.map { $0["type"]?.string } == Array(repeating: "access", count: 8) + ["opened", "opened", "access", "closed"])
        #expect(records.compactMap { $0["request_id"]?.string } == Array(repeating: "big", count: 8) + ["fits"])
        #expect(records[9]["reason"]?.string == "recovered")
        #expect(records[9]["repaired_bytes"]?.integer == 0, "the failed batch was cut back before the reopen")
        let report = AuditFolder.verify(config)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.lines == 12)
    }

    /// Appending after close fails with `.closed` and writes nothing.
    @Test func appendAfterCloseThrowsClosed() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: nil)
        try await log.append(AuditLogFixture.entry("open-1"))
        await log.close()
        let content = AuditFolder.files(config).map(\.content)
        let error = await AuditLogFixture.appendError(log, AuditLogFixture.entry("late-1"))
        #expect(error == .closed)
        #expect(AuditFolder.files(config).map(\.content) == content)
    }

    /// Appends racing with close each either succeed (and are in the file) or fail with `.closed`; none hangs.
    @Test func appendsRacingClose() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config()
        let log = try AuditLog(config: config, signingKey: Ed25519.PrivateKey.generate())
        let results = await withTaskGroup(of: (String, AuditLogError?).self) { group in
            for index in 0..<100 {
                group.addTask {
                    let id = "race-\(index)"
                    return (id, await AuditLogFixture.appendError(log, AuditLogFixture.entry(id)))
                }
                if index == 50 {
                    group.addTask {
                        await log.close()
                        return ("close", nil)
                    }
                }
            }
            return await group.reduce(into: [(String, AuditLogError?)]()) { $0.append($1) }
        }
        let written = Set(results.filter { $0.0 != "close" && $0.1 == nil }.map(\.0))
        #expect(results.allSatisfy { $0.1 == nil || $0.1 == .closed })
        let recorded = try AuditFolder.records(config).compactMap { $0["request_id"]?.string }
        #expect(Set(recorded) == written)
        #expect(recorded.count == written.count)
        #expect(try AuditFolder.records(config).last?["type"]?.string == "checkpoint")
        #expect(AuditFolder.verify(config).isIntact)
    }

    /// Closing a closed log returns at once instead of waiting forever for a writer thread that has ended.
    @Test func closeTwiceReturns() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let log = try AuditLog(config: folder.config(), signingKey: nil)
        await log.close()
        let returned = await Self.returnsWithin5Seconds { await log.close() }
        #expect(returned)
    }

    /// Two closes at the same time both return.
    @Test func concurrentClosesReturn() async throws {
        let folder = try AuditFolder()
        defer { folder.remove() }
        let log = try AuditLog(config: folder.config(), signingKey: nil)
        let returned = await Self.returnsWithin5Seconds {
            async let first = log.close()
            async let second = log.close()
            _ = await (first, second)
        }
        #expect(returned)
    }

    /// Whether `body` finishes within 5 s. It runs in an unstructured task that is left behind if it hangs.
    static func returnsWithin5Seconds(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        let done = Flag()
        Task {
            await body()
            done.set()
        }
        return await AuditLogFixture.eventually { done.isSet }
    }
}

/// A thread-safe one-way flag.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// The process's open descriptors, from `/proc/self/fd`.
enum OpenFiles {
    static func descriptors(for path: String) -> Int {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == path }.count
    }
}

/// Counts opens in a folder with inotify.
enum OpenCounter {
    /// `IN_OPEN` events for `folder` and the entries in it during `duration`; `Int.max` if the queue overflowed.
    static func opens(in folder: String, during duration: Duration) async throws -> Int {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(inotify_add_watch(descriptor, folder, UInt32(IN_OPEN)) >= 0)
        try await Task.sleep(for: duration)
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let length = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard length > 0 else { break }
            var offset = 0
            while offset + 16 <= length {
                let mask = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self) }
                let nameLength = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self) }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { return Int.max }
                if mask & UInt32(IN_OPEN) != 0 { count += 1 }
                offset += 16 + Int(nameLength)
            }
        }
        return count
    }
}

/// Runs code with a process-wide file size limit (`RLIMIT_FSIZE`) and `SIGXFSZ` caught by a no-op handler,
/// so writes past the limit fail with `EFBIG` instead of killing the process: a write failure without
/// mounting anything. The limit is far above any file other tests write, and lifted right after `body`.
enum FileSizeLimit {
    static func limited<Result>(to bytes: Int, _ body: () async throws -> Result) async throws -> Result {
        var original = rlimit()
        try #require(getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &original) == 0)
        let previousHandler = signal(SIGXFSZ) { _ in }
        var limited = original
        limited.rlim_cur = rlim_t(bytes)
        try #require(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limited) == 0)
        defer {
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &original)
            signal(SIGXFSZ, previousHandler)
        }
        return try await body()
    }
}
