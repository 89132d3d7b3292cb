import Synchronization
import Testing
import GatewayCore

/// Waits (polling every millisecond) until `condition` holds; a test fails if it takes more than ten seconds.
private func eventually(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                        _ condition: () -> Bool) async {
    let giveUp = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < giveUp else {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        try? await Task.sleep(for: .milliseconds(1))
    }
}

/// Shared state for tasks of a test (a `Mutex` or `Atomic` cannot be captured by escaping closures directly).
private final class Shared: Sendable {
    let order = Mutex<[Int]>([])
    let holding = Atomic<Int>(0)
    let peak = Atomic<Int>(0)

    /// Counts a permit of `bulkhead` as held (noting the most held at once) across `work`, then
    /// gives it back.
    func hold(_ bulkhead: Bulkhead, during work: () async -> Void = {}) async {
        let now = holding.add(1, ordering: .sequentiallyConsistent).newValue
        peak.max(now, ordering: .sequentiallyConsistent)
        await work()
        holding.subtract(1, ordering: .sequentiallyConsistent)
        bulkhead.release()
    }
}

private func inSeconds(_ seconds: Double) -> ContinuousClock.Instant {
    .now + .milliseconds(Int64(seconds * 1000))
}

struct ResilienceBulkheadTests {
    /// Up to `maxInFlight` permits are handed out at once; the next caller is refused without waiting.
    @Test(arguments: [1, 2, 5, 64])
    func limitsPermits(_ maxInFlight: Int) {
        let bulkhead = Bulkhead(maxInFlight: maxInFlight)
        for index in 0..<maxInFlight {
            #expect(bulkhead.tryAcquire(), "permit \(index)")
        }
        #expect(!bulkhead.tryAcquire())
        #expect(bulkhead.inFlight == maxInFlight)
        bulkhead.release()
        #expect(bulkhead.inFlight == maxInFlight - 1)
        #expect(bulkhead.tryAcquire())
    }

    /// A free permit is taken at once, even with the deadline already passed.
    @Test(arguments: [-1.0, 0.0, 5.0])
    func acquiresFreePermit(_ deadlineIn: Double) async {
        let bulkhead = Bulkhead(maxInFlight: 2)
        #expect(await bulkhead.acquire(deadline: inSeconds(deadlineIn)))
        #expect(bulkhead.inFlight == 1)
        #expect(bulkhead.waiting == 0)
    }

    /// With no permit free, a caller whose deadline has passed is refused at once and never queued.
    @Test func pastDeadlineRefusedWhenFull() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let begun = ContinuousClock.now
        #expect(await !bulkhead.acquire(deadline: inSeconds(-0.001)))
        #expect(ContinuousClock.now - begun < .milliseconds(100))
        #expect(bulkhead.waiting == 0)
    }

    /// A waiter gives up at its deadline, not before, and leaves the queue.
    @Test(arguments: [20, 80])
    func deadlineTimesOut(_ milliseconds: Int) async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let begun = ContinuousClock.now
        #expect(await !bulkhead.acquire(deadline: begun + .milliseconds(milliseconds)))
        let waited = ContinuousClock.now - begun
        #expect(waited >= .milliseconds(milliseconds))
        #expect(waited < .milliseconds(milliseconds) + .seconds(3))  // generous: the timer needs a free pool thread
        #expect(bulkhead.waiting == 0)
        #expect(bulkhead.inFlight == 1)
    }

    /// `release` hands the permit straight to the waiter, which returns `true`.
    @Test func releaseWakesWaiter() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let waiter = Task { await bulkhead.acquire(deadline: inSeconds(5)) }
        await eventually("the waiter is queued") { bulkhead.waiting == 1 }
        bulkhead.release()
        #expect(await waiter.value)
        #expect(bulkhead.inFlight == 1)
        #expect(bulkhead.waiting == 0)
        bulkhead.release()
        #expect(bulkhead.inFlight == 0)
    }

    /// Waiters get permits in the order they arrived, and a newcomer does not overtake them.
    @Test func firstInFirstOut() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        let shared = Shared()
        #expect(bulkhead.tryAcquire())
        var waiters: [Task<Void, Never>] = []
        for id in 1...5 {
            waiters.append(Task {
                if await bulkhead.acquire(deadline: inSeconds(5)) { shared.order.withLock { $0.append(id) } }
            })
            await eventually("waiter \(id) is queued") { bulkhead.waiting == id }
        }
        #expect(!bulkhead.tryAcquire())
        for served in 1...5 {
            bulkhead.release()
            await eventually("\(served) waiters are served") { shared.order.withLock { $0.count } == served }
        }
        for waiter in waiters { await waiter.value }
        #expect(shared.order.withLock { $0 } == [1, 2, 3, 4, 5])
        #expect(bulkhead.inFlight == 1)
    }

    /// A waiter that timed out frees its place: the next release goes to the one behind it.
    @Test func timedOutWaiterFreesItsPlace() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let impatient = Task { await bulkhead.acquire(deadline: inSeconds(0.05)) }
        await eventually("the impatient waiter is queued") { bulkhead.waiting == 1 }
        let patient = Task { await bulkhead.acquire(deadline: inSeconds(5)) }
        await eventually("both waiters are queued") { bulkhead.waiting == 2 }
        #expect(await !impatient.value)
        #expect(bulkhead.waiting == 1)
        bulkhead.release()
        #expect(await patient.value)
        #expect(bulkhead.inFlight == 1)
        #expect(bulkhead.waiting == 0)
    }

    /// Cancelling a waiting task returns `false` at once and leaves no waiter behind.
    @Test func cancellationWhileWaiting() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let waiter = Task { await bulkhead.acquire(deadline: inSeconds(5)) }
        await eventually("the waiter is queued") { bulkhead.waiting == 1 }
        let begun = ContinuousClock.now
        waiter.cancel()
        #expect(await !waiter.value)
        #expect(ContinuousClock.now - begun < .seconds(3))
        #expect(bulkhead.waiting == 0)
        #expect(bulkhead.inFlight == 1)
    }

    /// A task cancelled before it asks gets no permit, whether one is free or it would have to wait.
    @Test(arguments: [false, true])
    func cancelledBeforeAsking(_ full: Bool) async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        if full { #expect(bulkhead.tryAcquire()) }
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await bulkhead.acquire(deadline: inSeconds(5))
        }
        #expect(await !waiter.value)
        #expect(bulkhead.waiting == 0)
        #expect(bulkhead.inFlight == (full ? 1 : 0))
    }

    /// Under contention, no more than `maxInFlight` callers ever hold permits and every one is served.
    @Test(arguments: [1, 3, 8])
    func neverExceedsLimit(_ maxInFlight: Int) async {
        let bulkhead = Bulkhead(maxInFlight: maxInFlight)
        let shared = Shared()
        let served = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    guard await bulkhead.acquire(deadline: inSeconds(10)) else { return false }
                    await shared.hold(bulkhead) { await Task.yield() }
                    return true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(served == 100)
        #expect(shared.peak.load(ordering: .sequentiallyConsistent) <= maxInFlight)
        #expect(bulkhead.inFlight == 0)
        #expect(bulkhead.waiting == 0)
    }

    /// Permits taken and given back without the lock (`tryAcquire`, a release with nobody queued)
    /// racing with callers who queue: never more than the limit held, every queued caller served
    /// (a release that races with one about to queue either hands it the permit or frees it
    /// first), nothing held or queued at the end.
    @Test(arguments: [1, 2, 4])
    func permitsWithoutTheLockRaceWithWaiters(_ maxInFlight: Int) async {
        let bulkhead = Bulkhead(maxInFlight: maxInFlight)
        let shared = Shared()
        let waitersServed = await withTaskGroup(of: Int.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let waits = index.isMultiple(of: 2)
                    let held = waits ? await bulkhead.acquire(deadline: inSeconds(10)) : bulkhead.tryAcquire()
                    guard held else { return 0 }
                    await shared.hold(bulkhead)
                    return waits ? 1 : 0
                }
            }
            return await group.reduce(0, +)
        }
        #expect(waitersServed == 200)
        #expect(shared.peak.load(ordering: .sequentiallyConsistent) <= maxInFlight)
        #expect(bulkhead.inFlight == 0)
        #expect(bulkhead.waiting == 0)
    }

    /// Deadlines, cancellations and releases racing each other lose no permit and leave nobody queued.
    @Test func racingTimeoutsAndReleases() async {
        let bulkhead = Bulkhead(maxInFlight: 2)
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let task = Task { await bulkhead.acquire(deadline: inSeconds(Double(index % 7) / 1000)) }
                    if index % 5 == 0 { task.cancel() }
                    if await task.value {
                        try? await Task.sleep(for: .microseconds(200))
                        bulkhead.release()
                    }
                }
            }
        }
        #expect(bulkhead.inFlight == 0)
        #expect(bulkhead.waiting == 0)
        #expect(bulkhead.tryAcquire() && bulkhead.tryAcquire())
    }

    /// A waiter queued behind one with a later deadline still gives up at its own deadline
    /// (the sweeper is brought forward), while the later one keeps waiting.
    @Test func earlierDeadlineBehindLaterOne() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let late = Task { await bulkhead.acquire(deadline: inSeconds(30)) }
        await eventually("the late waiter is queued") { bulkhead.waiting == 1 }
        let begun = ContinuousClock.now
        #expect(await !bulkhead.acquire(deadline: begun + .milliseconds(50)))
        #expect(ContinuousClock.now - begun < .seconds(3))
        #expect(bulkhead.waiting == 1)
        bulkhead.release()
        #expect(await late.value)
        #expect(bulkhead.inFlight == 1)
    }

    /// Hundreds of waiters with spread deadlines all end by their deadline plus the sweep
    /// interval (generously), none early, and leave the queue empty.
    @Test func manyWaitersTimeOut() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let begun = ContinuousClock.now
        let results = await withTaskGroup(of: (Duration, Duration, Bool).self) { group in
            for index in 0..<500 {
                let wait = Duration.milliseconds(20 + index % 100)
                group.addTask {
                    let acquired = await bulkhead.acquire(deadline: begun + wait)
                    return (wait, ContinuousClock.now - begun, acquired)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 500)
        #expect(results.allSatisfy { !$0.2 })
        #expect(results.allSatisfy { $0.1 >= $0.0 })
        #expect(results.allSatisfy { $0.1 < $0.0 + .seconds(3) })
        #expect(bulkhead.waiting == 0)
        #expect(bulkhead.inFlight == 1)
    }

    /// Once the oldest waiter has waited past the newest-first threshold (the queue is not
    /// draining), a released permit goes to the newest waiter; the oldest keeps waiting.
    @Test func newestFirstWhenTheQueueStalls() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        #expect(bulkhead.tryAcquire())
        let oldest = Task { await bulkhead.acquire(deadline: inSeconds(30)) }
        await eventually("the oldest waiter is queued") { bulkhead.waiting == 1 }
        try? await Task.sleep(for: .milliseconds(400))
        let newest = Task { await bulkhead.acquire(deadline: inSeconds(30)) }
        await eventually("the newest waiter is queued") { bulkhead.waiting == 2 }
        bulkhead.release()
        #expect(await newest.value)
        #expect(bulkhead.waiting == 1)
        bulkhead.release()
        #expect(await oldest.value)
        #expect(bulkhead.waiting == 0)
    }

    /// Without a task: a free permit is granted at once, on the caller's thread; a queued caller
    /// is granted the permit that `release` hands over, or refused at its deadline; each answer
    /// comes exactly once.
    @Test func grantsThroughACallback() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        let answers = Mutex<[String: [Bool]]>([:])
        func record(_ name: String) -> @Sendable (Bool) -> Void {
            { granted in answers.withLock { $0[name, default: []].append(granted) } }
        }
        bulkhead.acquire(deadline: inSeconds(5), granted: record("first"))
        #expect(answers.withLock { $0["first"] } == [true])
        bulkhead.acquire(deadline: inSeconds(30), granted: record("queued"))
        bulkhead.acquire(deadline: inSeconds(0.05), granted: record("late"))
        #expect(bulkhead.waiting == 2)
        await eventually("the late caller is refused at its deadline") { answers.withLock { $0["late"] } == [false] }
        #expect(answers.withLock { $0["queued"] } == nil)
        bulkhead.release()
        #expect(answers.withLock { $0["queued"] } == [true])
        #expect(bulkhead.inFlight == 1)
        #expect(bulkhead.waiting == 0)
        try? await Task.sleep(for: .milliseconds(100))
        #expect(answers.withLock { $0 } == ["first": [true], "queued": [true], "late": [false]])
    }

    /// A caller queued without a task can leave the queue unanswered: it is never called, the
    /// permit released after it goes to the caller behind it, and a caller already answered
    /// cannot withdraw (nor can one that was granted at once: it has no ticket).
    @Test func withdrawnCallerIsNeverAnswered() async {
        let bulkhead = Bulkhead(maxInFlight: 1)
        let answers = Mutex<[String: [Bool]]>([:])
        func record(_ name: String) -> @Sendable (Bool) -> Void {
            { granted in answers.withLock { $0[name, default: []].append(granted) } }
        }
        #expect(bulkhead.acquire(deadline: inSeconds(5), granted: record("first")) == nil)
        let leaving = bulkhead.acquire(deadline: inSeconds(30), granted: record("leaving"))
        let staying = bulkhead.acquire(deadline: inSeconds(30), granted: record("staying"))
        #expect(bulkhead.waiting == 2)
        #expect(leaving.map(bulkhead.withdraw) == true)
        #expect(bulkhead.waiting == 1)
        bulkhead.release()
        #expect(answers.withLock { $0 } == ["first": [true], "staying": [true]])
        #expect(staying.map(bulkhead.withdraw) == false, "answered already")
        #expect(leaving.map(bulkhead.withdraw) == false, "gone already")
        #expect(bulkhead.inFlight == 1)
        bulkhead.release()
        #expect(bulkhead.inFlight == 0)
    }
}
