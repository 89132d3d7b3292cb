import Synchronization

/// Caps the calls in flight to one department at `maxInFlight`, so a slow department cannot take
/// every connection and task of the gateway (and, as the gateway's admission, the dossiers in
/// progress). Callers beyond the cap wait until a permit is released, their deadline passes or
/// their task is cancelled.
///
/// Permits go to the longest waiter while the queue drains; once the longest has waited more than
/// `newestFirstAfter`, the queue is not keeping up (overload) and permits go to the newest waiter
/// instead: it still has most of its deadline to use the permit, while the oldest ones would
/// spend it on a call whose dossier is out of time, and every caller would end up late.
///
/// Waiters are queued answers (a suspended task's continuation, or a callback), never a polling
/// loop. Each is answered exactly once, by whoever removes it from the queue under the lock:
/// `release` (with `true`, handing its permit straight over), the deadline sweeper or
/// cancellation (with `false`); a callback's caller may also take it out unanswered (`withdraw`).
///
/// Taking a free permit while nobody waits, and giving one back while nobody waits, take no lock:
/// the permits held and the callers waiting are one atomic word (`permits`), changed by one
/// compare-and-swap. The waiting count changes only under the lock, together with the queue, and a
/// caller about to wait counts itself in the same word: a release racing with it either sees it
/// (and hands it the permit under the lock) or frees the permit first (and the caller takes it
/// instead of waiting). Releases happen on the transfer thread as each call ends, so this keeps
/// the lock, and any wait for it, off that thread while the department has room.
///
/// One sweeper task per bulkhead, not one timer per waiter, ends the waits whose deadline passed:
/// at c=4096 thousands of callers wait at once, and a task each cost memory and wake-ups. The
/// sweeper looks at most every `sweepInterval`, so a wait may end that much after its deadline.
public final class Bulkhead: Sendable {
    private struct Waiter {
        let id: UInt64
        let queuedAt: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        let answer: @Sendable (Bool) -> Void
    }

    private struct State {
        /// Oldest first, from `head` on; slots before `head` are served and dropped in bulk.
        var queue: [Waiter] = []
        var head = 0
        var nextID: UInt64 = 0
        /// The running sweeper's wake-up time and identity, if one runs.
        var sweeper: (wakeAt: ContinuousClock.Instant, generation: UInt64, task: Task<Void, Never>)?
        var sweeperGeneration: UInt64 = 0

        /// The waiter that gets the next permit: the oldest, or the newest once the oldest has
        /// waited longer than `newestFirstAfter`.
        mutating func popNext() -> Waiter? {
            guard head < queue.count else { return nil }
            let waiter: Waiter
            if queue[head].queuedAt.duration(to: .now) > Bulkhead.newestFirstAfter {
                waiter = queue.removeLast()
            } else {
                waiter = queue[head]
                head += 1
            }
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return waiter
        }

        /// Takes out the waiters that `shouldLeave` picks, keeping the others in order.
        mutating func remove(where shouldLeave: (Waiter) -> Bool) -> [Waiter] {
            let leaving = queue[head...].filter(shouldLeave)
            guard !leaving.isEmpty else { return [] }
            queue = queue[head...].filter { !shouldLeave($0) }
            head = 0
            return leaving
        }
    }

    private enum Attempt: Equatable {
        case acquired
        case refused
        case queued
    }

    public let maxInFlight: Int
    static let sweepInterval = Duration.milliseconds(10)
    static let newestFirstAfter = Duration.milliseconds(250)
    private let state = Mutex(State())
    /// Permits held (the low 32 bits) and callers waiting in the queue (the high 32 bits).
    private let permits = Atomic<UInt64>(0)
    private static let oneWaiting: UInt64 = 1 << 32

    private static func held(_ permits: UInt64) -> Int { Int(permits & 0xFFFF_FFFF) }
    private static func waiting(_ permits: UInt64) -> Int { Int(permits >> 32) }

    public init(maxInFlight: Int) {
        precondition(maxInFlight >= 1, "a bulkhead must admit at least one call")
        self.maxInFlight = maxInFlight
    }

    deinit {
        state.withLock { $0.sweeper?.task.cancel() }
    }

    /// Permits currently held.
    public var inFlight: Int { Self.held(permits.load(ordering: .relaxed)) }

    /// Callers currently queued in `acquire`.
    public var waiting: Int { Self.waiting(permits.load(ordering: .relaxed)) }

    /// Takes a permit if one is free and nobody is queued for it; never waits.
    public func tryAcquire() -> Bool {
        var current = permits.load(ordering: .relaxed)
        while Self.waiting(current) == 0, Self.held(current) < maxInFlight {
            let (taken, found) = permits.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if taken { return true }
            current = found
        }
        return false
    }

    /// Takes a permit, waiting behind earlier callers until one is released (a free permit, with
    /// nobody queued for it, is taken without suspending).
    /// - Parameter deadline: the latest moment to wait until.
    /// - Returns: `true` with a permit that must be given back with `release()`; `false` without
    ///   one when `deadline` passed first, or the task is or gets cancelled (a cancelled task has no
    ///   call to make). A permit handed over at the same moment as a cancellation is kept:
    ///   `true` always means a permit is held.
    public func acquire(deadline: ContinuousClock.Instant) async -> Bool {
        guard !Task.isCancelled else { return false }
        if tryAcquire() { return true }
        let id = nextWaiterID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // A cancellation that came before the enqueue found no waiter to remove; the
                // task's flag, checked under the lock, still tells.
                enqueue(id: id, deadline: deadline, refusing: { Task.isCancelled }) { continuation.resume(returning: $0) }
            }
        } onCancel: {
            let waiter = state.withLock { state in uncount(state.remove { $0.id == id }).first }
            waiter?.answer(false)
        }
    }

    /// A caller queued by `acquire(deadline:granted:)`, which may leave the queue with `withdraw`.
    public struct Ticket: Sendable, Equatable {
        fileprivate let id: UInt64
    }

    /// Takes a permit without a task waiting for it: `granted` is called once, with `true` and a
    /// permit that must be given back with `release()` as soon as one is free (at once, on this
    /// thread, when one is free now; otherwise on the thread that releases it), or with `false`
    /// when `deadline` passes first (on the sweeper's thread).
    ///
    /// A dossier waiting for several departments waits on one continuation of its own, not on a
    /// task per department, and a request waiting for admission waits with no task at all: at
    /// c=4096 thousands wait at once.
    /// - Returns: the caller's ticket when it was queued; `nil` when `granted` was called already.
    @discardableResult
    public func acquire(deadline: ContinuousClock.Instant, granted: @escaping @Sendable (Bool) -> Void) -> Ticket? {
        if tryAcquire() {
            granted(true)
            return nil
        }
        let id = nextWaiterID()
        return enqueue(id: id, deadline: deadline, refusing: { false }, answer: granted) == .queued ? Ticket(id: id) : nil
    }

    /// Takes the caller with `ticket` out of the queue before it is answered.
    /// - Returns: `true` when it was still waiting (its `granted` is never called then); `false`
    ///   when it has been answered, or is being answered, already.
    public func withdraw(_ ticket: Ticket) -> Bool {
        state.withLock { state in !uncount(state.remove { $0.id == ticket.id }).isEmpty }
    }

    private func nextWaiterID() -> UInt64 {
        state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
    }

    /// Grants a free permit at once, refuses when `refusing()` or the deadline has passed, and
    /// queues `answer` otherwise; the answer is given outside the lock.
    @discardableResult
    private func enqueue(id: UInt64, deadline: ContinuousClock.Instant, refusing: () -> Bool,
                         answer: @escaping @Sendable (Bool) -> Void) -> Attempt {
        let attempt = state.withLock { state -> Attempt in
            guard !refusing() else { return .refused }
            let now = ContinuousClock.now
            var current = permits.load(ordering: .relaxed)
            while true {
                // Only `tryAcquire` and `release` change the word meanwhile, and only its permits.
                let free = Self.waiting(current) == 0 && Self.held(current) < maxInFlight
                guard free || now < deadline else { return .refused }
                let (changed, found) = permits.compareExchange(expected: current, desired: current + (free ? 1 : Self.oneWaiting),
                                                               ordering: .acquiringAndReleasing)
                guard changed else {
                    current = found
                    continue
                }
                if free { return .acquired }
                state.queue.append(Waiter(id: id, queuedAt: now, deadline: deadline, answer: answer))
                scheduleSweep(at: deadline, in: &state)
                return .queued
            }
        }
        switch attempt {
        case .acquired: answer(true)
        case .refused: answer(false)
        case .queued: break
        }
        return attempt
    }

    /// Takes `leaving`, just removed from the queue, out of the waiting count; under the lock.
    private func uncount(_ leaving: [Waiter]) -> [Waiter] {
        if !leaving.isEmpty { permits.subtract(UInt64(leaving.count) * Self.oneWaiting, ordering: .acquiringAndReleasing) }
        return leaving
    }

    /// Gives back a permit from `acquire` or `tryAcquire`; a waiter, if any, gets it.
    public func release() {
        var current = permits.load(ordering: .relaxed)
        while Self.waiting(current) == 0 {
            precondition(Self.held(current) > 0, "Bulkhead.release() without a permit")
            let (released, found) = permits.compareExchange(expected: current, desired: current - 1, ordering: .acquiringAndReleasing)
            if released { return }
            current = found
        }
        let next = state.withLock { state -> Waiter? in
            guard let waiter = state.popNext() else {
                // The waiters left (deadline, cancellation) before the lock was ours.
                let before = permits.subtract(1, ordering: .acquiringAndReleasing).oldValue
                precondition(Self.held(before) > 0, "Bulkhead.release() without a permit")
                return nil
            }
            permits.subtract(Self.oneWaiting, ordering: .acquiringAndReleasing)
            return waiter
        }
        next?.answer(true)
    }

    /// Makes sure a sweeper wakes by `deadline`: starts one if none runs, or replaces one that
    /// would wake later (callers usually queue in deadline order, so this is rare).
    private func scheduleSweep(at deadline: ContinuousClock.Instant, in state: inout State) {
        if let sweeper = state.sweeper {
            guard deadline < sweeper.wakeAt else { return }
            sweeper.task.cancel()
        }
        state.sweeperGeneration &+= 1
        let generation = state.sweeperGeneration
        let task = Task { [weak self] in
            var wakeAt = deadline
            while (try? await Task.sleep(until: wakeAt, clock: .continuous)) != nil {
                guard let self, let next = self.sweep(generation: generation) else { return }
                wakeAt = next
            }
        }
        state.sweeper = (deadline, generation, task)
    }

    /// Refuses every waiter whose deadline has passed; returns when to look again, or `nil` when
    /// no one waits any more (or a newer sweeper took over) and this sweeper ends.
    private func sweep(generation: UInt64) -> ContinuousClock.Instant? {
        let now = ContinuousClock.now
        let (expired, next) = state.withLock { state -> ([Waiter], ContinuousClock.Instant?) in
            guard state.sweeper?.generation == generation else { return ([], nil) }
            let expired = uncount(state.remove { $0.deadline <= now })
            let next = state.queue[state.head...].lazy.map(\.deadline).min().map { max($0, now + Self.sweepInterval) }
            if let next {
                state.sweeper?.wakeAt = next
            } else {
                state.sweeper = nil
            }
            return (expired, next)
        }
        for waiter in expired { waiter.answer(false) }
        return next
    }
}
