import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON

/// The writer thread's state and loop. Everything mutable sits behind `condition`, except
/// what only the writer thread touches (`file`, `chain`, counters), which is marked so.
// @unchecked: `pending`, `stopping`, `stopped`, `onStopped` and `writable` are only touched
// while holding `condition`; `file`, `chain`, `reopenReason`, `linesSinceCheckpoint` and
// `lastCheckpoint` only on the writer thread (and in `init`, before it starts).
final class AuditWriter: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<Result<Void, AuditLogError>, Never>

    private let config: AuditConfig
    private let signingKey: Ed25519.PrivateKey?
    private let onBatch: @Sendable (Int, Duration?) -> Void
    private let condition = NSCondition()
    private var pending: [(body: [UInt8], waiter: Waiter)] = []
    private var stopping = false
    private var stopped = false
    private var onStopped: [@Sendable () -> Void] = []
    private var writable = true

    private var file: AuditFile?
    private var chain = AuditChain()
    /// Why the log was (re)opened, written as an `opened` line before the next records.
    private var reopenReason: (reason: String, repairedBytes: Int)?
    private var linesSinceCheckpoint = 0
    private var lastCheckpoint = ContinuousClock.now

    init(config: AuditConfig, signingKey: Ed25519.PrivateKey?, onBatch: @escaping @Sendable (Int, Duration?) -> Void) throws(AuditLogError) {
        self.config = config
        self.signingKey = signingKey
        self.onBatch = onBatch
        do {
            try open(reason: "start")
        } catch .corruptTail(let path, let reason) {
            throw .corruptTail(path: path, reason: reason)
        } catch {
            writable = false
        }
    }

    var isWritable: Bool {
        condition.withLock { writable }
    }

    func enqueue(_ body: [UInt8], _ waiter: Waiter) {
        condition.withLock {
            if stopping {
                waiter.resume(returning: .failure(.closed))
            } else {
                pending.append((body, waiter))
                condition.signal()
            }
        }
    }

    /// Asks the writer to finish; `onStopped` runs once it has (at once if it already has).
    func stop(then onStopped: @escaping @Sendable () -> Void) {
        let alreadyStopped = condition.withLock {
            if !stopped {
                stopping = true
                self.onStopped.append(onStopped)
                condition.signal()
            }
            return stopped
        }
        if alreadyStopped { onStopped() }
    }

    /// The writer thread's loop. It also wakes, without records, to write the `opened` line
    /// at once and to write a checkpoint when one is due. While the log is unavailable it
    /// waits 0.2 s between attempts, records or not, so a broken disk is not hammered.
    func run() {
        while true {
            condition.lock()
            let retryAt = Date(timeIntervalSinceNow: 0.2)
            while !stopping {
                if !writable {
                    if !condition.wait(until: retryAt) { break }
                } else if pending.isEmpty, !isCheckpointDue, reopenReason == nil {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 0.2))
                } else {
                    break
                }
            }
            let batch = pending
            pending = []
            let isStopping = stopping
            condition.unlock()

            let result = write(batch.map(\.body), closing: isStopping)
            condition.withLock { writable = (result == nil) }
            for (_, waiter) in batch {
                waiter.resume(returning: result.map { .failure($0) } ?? .success(()))
            }
            if isStopping {
                file?.close()
                let callbacks = condition.withLock {
                    stopped = true
                    defer { onStopped = [] }
                    return onStopped
                }
                callbacks.forEach { $0() }
                return
            }
        }
    }

    /// Whether an idle writer must sign the lines written since the last checkpoint: `write`
    /// signs after every `checkpoint_every_records` lines by itself, so only time can make one due.
    private var isCheckpointDue: Bool {
        signingKey != nil && linesSinceCheckpoint > 0 && checkpointIsDueByTime
    }

    /// `checkpoint_every_s` have passed since the last checkpoint.
    private var checkpointIsDueByTime: Bool {
        lastCheckpoint.duration(to: .now) >= .seconds(config.checkpointEverySeconds)
    }

    /// Chains and writes `bodies` (plus an `opened` line after a reopen), with a signed checkpoint
    /// after exactly every `checkpoint_every_records` lines, also in the middle of a batch, and
    /// one at the end when it is due by time or `closing`; `nil` on success. `audit verify`
    /// relies on that cadence, which the `opened` line states.
    private func write(_ bodies: [[UInt8]], closing: Bool) -> AuditLogError? {
        do throws(AuditLogError) {
            if file == nil { try open(reason: "recovered") }
            try rotateIfFull()
            var draft = chain
            var lines: [UInt8] = []
            var sinceCheckpoint = linesSinceCheckpoint
            var checkpointed = false
            func add(_ body: [UInt8]) {
                lines += draft.append(body: body)
                lines.append(UInt8(ascii: "\n"))
                sinceCheckpoint += 1
            }
            func checkpoint(signedWith key: Ed25519.PrivateKey) {
                add(AuditCheckpoint.body(after: draft, signingKey: key, time: .now()).encoded())
                sinceCheckpoint = 0
                checkpointed = true
            }
            /// A line that counts towards the cadence, and the checkpoint it makes due.
            func addCounted(_ body: [UInt8]) {
                add(body)
                if let signingKey, sinceCheckpoint >= config.checkpointEveryRecords { checkpoint(signedWith: signingKey) }
            }
            if let reopen = reopenReason {
                // `audit verify` starts counting afresh at an opened line; so does the writer.
                sinceCheckpoint = 0
                addCounted(JSON.object(["type": JSON(AuditRecordType.opened.rawValue), "time": JSON(Timestamp.now().rfc3339),
                                        "reason": JSON(reopen.reason), "repaired_bytes": JSON(reopen.repairedBytes),
                                        "checkpoint_every_records": JSON(config.checkpointEveryRecords)]).encoded())
            }
            bodies.forEach(addCounted)
            if let signingKey, sinceCheckpoint > 0, closing || checkpointIsDueByTime { checkpoint(signedWith: signingKey) }
            guard !lines.isEmpty else { return nil }
            let fsync = try commit(lines)
            onBatch(draft.lastSeq - chain.lastSeq, fsync)
            chain = draft
            reopenReason = nil
            linesSinceCheckpoint = sinceCheckpoint
            if checkpointed { lastCheckpoint = .now }
            return nil
        } catch {
            return error
        }
    }

    /// Appends and syncs `lines`, returning how long the sync took; on failure cuts the file
    /// back and drops it, so the next attempt reopens and re-reads the chain's end from disk.
    private func commit(_ lines: [UInt8]) throws(AuditLogError) -> Duration? {
        guard var current = file else { throw .unavailable("no open file") }
        let committedSize = current.size
        do {
            try current.append(lines)
            var syncDuration: Duration?
            if config.fsync {
                let started = ContinuousClock.now
                try current.sync()
                syncDuration = started.duration(to: .now)
            }
            file = current
            return syncDuration
        } catch {
            current.truncate(to: committedSize)
            current.close()
            file = nil
            throw .unavailable(error.description)
        }
    }

    private func open(reason: String) throws(AuditLogError) {
        let opened = try AuditLogOpener.open(config)
        file = opened.file
        chain = opened.chain
        reopenReason = (reason, opened.repairedBytes)
    }

    /// Starts the next file when the current one is full; never reuses a name.
    private func rotateIfFull() throws(AuditLogError) {
        guard let current = file, current.size >= config.maxFileBytes else { return }
        do {
            let next = try AuditFile.open(config.directory + "/" + config.fileName(firstSeq: chain.lastSeq + 1), mustBeNew: true)
            AuditDirectory.sync(config.directory)
            current.close()
            file = next
        } catch {
            throw .unavailable(error.description)
        }
    }
}
