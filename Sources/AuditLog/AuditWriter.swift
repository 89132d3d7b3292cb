import GatewayCore
import GatewayCrypto

/// The writer thread's state and loop, and the watchdog that answers whoever waits too long.
/// Everything shared sits behind `condition`; what only the writer thread touches is marked so.
// @unchecked: `pending`, `inFlight` (and each record's `waiter`), `writingSince`, `state`,
// `onStopped`, `stopDeadline`, `writable`, `requestedKey` and `watchdogWakesAt` are only touched
// while holding `condition`; `watchdogRung` only while holding `watchdogBell`; `file`, `witness`, `chain`, `signingKey`, `reopenReason`, `keyBeforeStart`,
// `hasScanned`, `pendingCuts`, `linesSinceCheckpoint` and `lastCheckpoint` only on the writer thread (and in
// `init`, before it starts).
final class AuditWriter: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<Result<Void, AuditLogError>, Never>

    /// A record on its way to the disk, and whoever waits for it until it is durable or its
    /// time is up; `waiter` is `nil` once answered.
    // @unchecked: `waiter` is only read and changed while holding the writer's `condition`.
    final class Record: @unchecked Sendable {
        let body: [UInt8]
        let deadline: ContinuousClock.Instant
        var waiter: Waiter?

        init(body: [UInt8], deadline: ContinuousClock.Instant, waiter: Waiter) {
            self.body = body
            self.deadline = deadline
            self.waiter = waiter
        }
    }

    /// Running, asked to stop, stopped: stopping only moves forward.
    private enum State {
        case running, stopping, stopped
    }

    private let config: AuditConfig
    private let syscalls: AuditSyscalls
    private let appendTimeout: Duration
    private let onBatch: @Sendable (Int, Duration?) -> Void
    private let onCheckpoint: @Sendable ([UInt8]) -> Void
    private let condition = ConditionLock()
    /// The watchdog's own wake-up, apart from `condition` (which only the writer waits on): it
    /// sleeps until its next deadline and is rung early only for a deadline before that. Records
    /// come in deadline order, so a busy log wakes it about once per append timeout, not once per
    /// record (a wake-up per record would cost every dossier a futex call and a context switch).
    private let watchdogBell = ConditionLock()
    private var watchdogRung = false
    /// When the watchdog next looks by itself; `nil` while it is looking now.
    private var watchdogWakesAt: ContinuousClock.Instant?
    private var pending: [Record] = []
    private var inFlight: [Record] = []
    /// When the batch being written was taken; `nil` while the writer is not writing.
    private var writingSince: ContinuousClock.Instant?
    private var state = State.running
    private var onStopped: [@Sendable (Bool) -> Void] = []
    /// Past this, callers of `stop` are told the writer did not finish (it hangs in a syscall).
    private var stopDeadline: ContinuousClock.Instant?
    private var writable = true
    /// A key to sign with from the next checkpoint boundary on (`rotate`).
    private var requestedKey: Ed25519.PrivateKey?

    private var file: AuditFile?
    private var witness: AuditWitnessFile?
    private var chain = AuditChain()
    private var signingKey: Ed25519.PrivateKey?
    /// Why the log was (re)opened, written as an `opened` line before the next records.
    private var reopenReason: (reason: AuditRunLine.OpenReason, repairedBytes: Int, loss: AuditRunLine.Loss?)?
    /// The key that signs the log from its end on (its last checkpoint's, or the one a key line
    /// after it names), when it is not `signingKey`: a `key` line naming the new one comes after
    /// the `opened` line.
    private var keyBeforeStart: String?
    /// Whether an open has read back to the last checkpoint (the first successful one does).
    private var hasScanned = false
    /// Files whose failed batch could not be cut back out: nothing is written until they are.
    private var pendingCuts: [(path: String, size: Int)] = []
    private var linesSinceCheckpoint = 0
    private var lastCheckpoint = ContinuousClock.now
    /// Why the first open failed, when it did (the log starts unavailable).
    private var startFailure: AuditLogError?

    init(config: AuditConfig, signingKey: Ed25519.PrivateKey?, syscalls: AuditSyscalls, acceptingLoss: String?,
         onBatch: @escaping @Sendable (Int, Duration?) -> Void, onCheckpoint: @escaping @Sendable ([UInt8]) -> Void) throws(AuditLogError) {
        self.config = config
        self.signingKey = signingKey
        self.syscalls = syscalls
        self.appendTimeout = .milliseconds(config.appendTimeoutMs)
        self.onBatch = onBatch
        self.onCheckpoint = onCheckpoint
        do {
            try open(reason: acceptingLoss == nil ? .start : .loss, acceptingLoss: acceptingLoss)
        } catch let error where error.refusesStart {
            throw error
        } catch {
            writable = false
            startFailure = error
        }
    }

    /// Writes the `opened` line that records an accepted loss, a `closed` line and the signed,
    /// witnessed checkpoint after it, on the calling thread; the writer thread is never started.
    func recordLoss() throws(AuditLogError) -> AuditRunLine.Loss {
        defer {
            file?.close()
            witness?.close()
        }
        guard let loss = reopenReason?.loss else { throw startFailure ?? .unavailable("the log was not opened") }
        if let error = write([], closing: true, newKey: nil) { throw error }
        return loss
    }

    /// False while records cannot be written, or while the writer has been writing one batch
    /// for longer than `audit.append_timeout_ms` (a hung disk).
    var isWritable: Bool {
        condition.withLock { writable && !isStuck }
    }

    /// The writer has been in one batch's write and sync for longer than the append timeout.
    private var isStuck: Bool {
        writingSince.map { $0.duration(to: .now) >= appendTimeout } ?? false
    }

    func enqueue(_ body: [UInt8], _ waiter: Waiter) {
        condition.withLock {
            guard case .running = state else { return waiter.resume(returning: .failure(.closed)) }
            let deadline = ContinuousClock.now + appendTimeout
            pending.append(Record(body: body, deadline: deadline, waiter: waiter))
            condition.broadcast()
            wakeWatchdog(before: deadline)
        }
    }

    /// Rings the watchdog when it would otherwise look only after `deadline`; holding `condition`.
    private func wakeWatchdog(before deadline: ContinuousClock.Instant?) {
        guard let wakesAt = watchdogWakesAt, deadline.map({ $0 < wakesAt }) ?? true else { return }
        watchdogWakesAt = nil
        watchdogBell.withLock {
            watchdogRung = true
            watchdogBell.signal()
        }
    }

    /// Signs with `key` from the next checkpoint boundary on.
    func rotate(to key: Ed25519.PrivateKey) {
        condition.withLock {
            requestedKey = key
            condition.broadcast()
        }
    }

    /// Asks the writer to finish; `onStopped` runs once it has (at once if it already has), with
    /// `false` when it has not within the append timeout (it hangs in a syscall).
    func stop(then onStopped: @escaping @Sendable (_ finished: Bool) -> Void) {
        let alreadyStopped = condition.withLock {
            switch state {
            case .stopped:
                return true
            case .running:
                state = .stopping
                stopDeadline = .now + appendTimeout
                wakeWatchdog(before: stopDeadline)
                fallthrough
            case .stopping:
                self.onStopped.append(onStopped)
                condition.broadcast()
                return false
            }
        }
        if alreadyStopped { onStopped(true) }
    }

    // MARK: The writer thread

    /// The writer thread's loop. It also wakes, without records, to write the `opened` line at
    /// once, a due checkpoint, and a key change. While the log is unavailable it waits 0.2 s
    /// between attempts, records or not, so a broken disk is not hammered.
    func run() {
        while true {
            condition.lock()
            let retryAt = ContinuousClock.now + .milliseconds(200)
            while case .running = state {
                if !writable {
                    if !condition.wait(until: retryAt) { break }
                } else if pending.isEmpty, !isCheckpointDue, reopenReason == nil, requestedKey == nil {
                    _ = condition.wait(until: .now + .milliseconds(200))
                } else {
                    break
                }
            }
            let batch = pending
            pending = []
            inFlight = batch
            writingSince = .now
            let isStopping = state != .running
            let newKey = requestedKey
            condition.unlock()

            let result = write(batch.map(\.body), closing: isStopping, newKey: newKey)
            let stopped = condition.withLock {
                writable = (result == nil)
                writingSince = nil
                inFlight = []
                if result == nil, let newKey, requestedKey?.publicKey == newKey.publicKey { requestedKey = nil }
                for record in batch {
                    record.waiter?.resume(returning: result.map { .failure($0) } ?? .success(()))
                    record.waiter = nil
                }
                guard isStopping else { return [@Sendable (Bool) -> Void]() }
                state = .stopped
                // The watchdog ends once it sees the writer stopped.
                wakeWatchdog(before: nil)
                defer { onStopped = [] }
                return onStopped
            }
            if isStopping {
                file?.close()
                witness?.close()
                stopped.forEach { $0(true) }
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

    /// Chains and writes `bodies`, with what comes around them: an `opened` line after a (re)open,
    /// a `key` line where the key changes (the old key signs a checkpoint first), a `closed` line
    /// when `closing`. A signed checkpoint follows exactly every `checkpoint_every_records` lines
    /// since the last one, also in the middle of a batch and across restarts (the count goes on
    /// from the log's last checkpoint), and one ends the batch when it is due by time or
    /// `closing`. `audit verify --checkpoint-every` holds the log to that cadence. `nil` on success.
    private func write(_ bodies: [[UInt8]], closing: Bool, newKey: Ed25519.PrivateKey?) -> AuditLogError? {
        do throws(AuditLogError) {
            try cutBackFailedBatches()
            if file == nil { try open(reason: .recovered) }
            try rotateIfFull()
            var draft = chain
            var lines: [UInt8] = []
            // Each record's line is its body and the chain's `seq` and `prev` (at most 100 bytes).
            lines.reserveCapacity(bodies.reduce(0) { $0 + $1.count + 100 })
            var checkpointLines: [[UInt8]] = []
            var sinceCheckpoint = linesSinceCheckpoint
            var key = signingKey
            @discardableResult
            func add(_ body: [UInt8]) -> Range<Int> {
                let line = draft.append(body: body, to: &lines)
                lines.append(UInt8(ascii: "\n"))
                sinceCheckpoint += 1
                return line
            }
            func checkpoint(signedWith key: Ed25519.PrivateKey) {
                checkpointLines.append(Array(lines[add(AuditCheckpoint.body(after: draft, signingKey: key, time: .now()))]))
                sinceCheckpoint = 0
            }
            /// A line that counts towards the cadence, and the checkpoint it makes due.
            func addCounted(_ body: [UInt8]) {
                add(body)
                if let key, sinceCheckpoint >= config.checkpointEveryRecords { checkpoint(signedWith: key) }
            }
            if let reopen = reopenReason {
                addCounted(AuditRunLine.opened(reason: reopen.reason, repairedBytes: reopen.repairedBytes,
                                               checkpointEvery: config.checkpointEveryRecords, loss: reopen.loss))
            }
            if let previous = keyBeforeStart, let key {
                addCounted(AuditRunLine.key(AuditCheckpoint.keyID(of: key.publicKey), previous: previous, reason: .start))
            }
            if let newKey, let oldKey = key, newKey.publicKey != oldKey.publicKey {
                // The old key signs what it saw; the new key signs from the line that names it on.
                if sinceCheckpoint > 0 { checkpoint(signedWith: oldKey) }
                key = newKey
                addCounted(AuditRunLine.key(AuditCheckpoint.keyID(of: newKey.publicKey),
                                            previous: AuditCheckpoint.keyID(of: oldKey.publicKey), reason: .reload))
            }
            bodies.forEach(addCounted)
            if closing { addCounted(AuditRunLine.closed()) }
            if let key, sinceCheckpoint > 0, closing || checkpointIsDueByTime { checkpoint(signedWith: key) }
            guard !lines.isEmpty else { return nil }
            let fsync = try commit(lines, witnessing: checkpointLines)
            onBatch(draft.lastSeq - chain.lastSeq, fsync)
            chain = draft
            reopenReason = nil
            keyBeforeStart = nil
            signingKey = key
            linesSinceCheckpoint = sinceCheckpoint
            if !checkpointLines.isEmpty { lastCheckpoint = .now }
            checkpointLines.forEach(onCheckpoint)
            return nil
        } catch {
            return error
        }
    }

    /// Appends and syncs `lines`, then the checkpoint lines among them to the witness, returning
    /// how long the log's sync took. On failure both are cut back and dropped, so the next attempt
    /// reopens and re-reads the chain's end from disk; a cut that fails is retried before anything
    /// else is written. The witness is cut first, and the log only once it is: the witness never
    /// holds a checkpoint the log does not (a start refuses that as a cut log), also when its cut
    /// fails (the log's then waits behind it) or the process dies between the two.
    private func commit(_ lines: [UInt8], witnessing checkpointLines: [[UInt8]]) throws(AuditLogError) -> Duration? {
        guard var current = file else { throw .unavailable("no open file") }
        var witnessFile = witness
        let committedSize = current.size, witnessSize = witnessFile?.size ?? 0
        var witnessTouched = false
        do {
            try current.append(lines)
            var syncDuration: Duration?
            if config.fsync {
                let started = ContinuousClock.now
                try current.sync()
                syncDuration = started.duration(to: .now)
            }
            if !checkpointLines.isEmpty, witnessFile != nil {
                witnessTouched = true
                try witnessFile?.append(checkpointLines, sync: config.fsync)
            }
            file = current
            witness = witnessFile
            return syncDuration
        } catch {
            if witnessTouched, var touched = witnessFile, !cutBack(&touched.file, to: witnessSize) {
                pendingCuts.append((current.path, committedSize))
            } else {
                cutBack(&current, to: committedSize)
            }
            current.close()
            witnessFile?.close()
            file = nil
            witness = nil
            throw .unavailable(error.description)
        }
    }

    /// Cuts `file` back to `size`, or notes the cut to retry (and returns `false`): until it is
    /// done no line may follow the bytes of a batch whose callers were told it failed.
    @discardableResult
    private func cutBack(_ file: inout AuditFile, to size: Int) -> Bool {
        do {
            try file.truncate(to: size)
            return true
        } catch {
            pendingCuts.append((file.path, size))
            return false
        }
    }

    /// Retries the cuts that failed, in order (a witness's before its log's); the log stays
    /// unavailable until they succeed.
    private func cutBackFailedBatches() throws(AuditLogError) {
        while let cut = pendingCuts.first {
            do {
                var file = try AuditFile.open(cut.path, mode: .append, syscalls: syscalls)
                defer { file.close() }
                try file.truncate(to: cut.size)
            } catch {
                throw .unavailable("a failed batch is still in \(cut.path) after byte \(cut.size) and cannot be cut back: \(error)")
            }
            pendingCuts.removeFirst()
        }
    }

    /// Opens the log (and its witness) and notes why, for the `opened` line. The first open of
    /// the process reads back to the log's last checkpoint, to go on counting towards the next
    /// one and to tell whether another key signs it.
    private func open(reason: AuditRunLine.OpenReason, acceptingLoss: String? = nil) throws(AuditLogError) {
        let scan: AuditLogOpener.Scan = hasScanned ? .lastLine : .sinceCheckpoint(limit: config.checkpointEveryRecords)
        let opened = try AuditLogOpener.open(config, syscalls: syscalls, scan: scan, acceptingLoss: acceptingLoss)
        file = opened.file
        witness = opened.witness
        chain = opened.chain
        reopenReason = (reason, opened.repairedBytes, opened.loss)
        if !hasScanned {
            hasScanned = true
            linesSinceCheckpoint = opened.linesSinceCheckpoint
            if let signingKey, let previous = opened.signerKeyID, previous != AuditCheckpoint.keyID(of: signingKey.publicKey) {
                keyBeforeStart = previous
            }
        }
    }

    /// Starts the next file when the current one is full; never reuses a name.
    private func rotateIfFull() throws(AuditLogError) {
        guard let current = file, current.size >= config.maxFileBytes else { return }
        do throws(AuditFile.Failure) {
            let next = try AuditFile.open(config.directory + "/" + config.fileName(firstSeq: chain.lastSeq + 1), mode: .create, syscalls: syscalls)
            do {
                try AuditDirectory.sync(config.directory, syscalls: syscalls)
            } catch {
                next.close()
                throw error
            }
            current.close()
            file = next
        } catch {
            throw .unavailable(error.description)
        }
    }

    // MARK: The watchdog thread

    /// Answers records not durable within the append timeout with `.timedOut` (one still waiting
    /// for the writer is dropped: it is never written), and callers of `stop` whose writer has
    /// not finished by its deadline; then sleeps until the next deadline.
    func watch() {
        while true {
            condition.lock()
            let now = ContinuousClock.now
            let timedOut = AuditLogError.timedOut(milliseconds: Int(appendTimeout / .milliseconds(1)))
            pending.removeAll { record in
                guard record.deadline <= now else { return false }
                record.waiter?.resume(returning: .failure(timedOut))
                record.waiter = nil
                return true
            }
            for record in inFlight where record.deadline <= now {
                record.waiter?.resume(returning: .failure(timedOut))
                record.waiter = nil
            }
            if case .stopped = state {
                condition.unlock()
                return
            }
            if let stopDeadline, stopDeadline <= now {
                onStopped.forEach { $0(false) }
                onStopped = []
                self.stopDeadline = nil
            }
            let next = ([pending.first?.deadline, inFlight.first { $0.waiter != nil }?.deadline, stopDeadline]).compactMap { $0 }.min()
                ?? now + .seconds(60)
            watchdogWakesAt = next
            condition.unlock()
            // Rung between the unlock and here: `watchdogRung` is set already, and it does not wait.
            watchdogBell.withLock {
                while !watchdogRung, ContinuousClock.now < next {
                    _ = watchdogBell.wait(until: next)
                }
                watchdogRung = false
            }
        }
    }
}
