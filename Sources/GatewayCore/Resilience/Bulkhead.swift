import Synchronization

/// Caps the calls in flight to one department at `maxInFlight`, so a slow department cannot take
/// every connection and task of the gateway. Callers beyond the cap wait in FIFO order until a
/// permit is released, their deadline passes or their task is cancelled.
///
/// Waiters are suspended continuations in a queue, never a polling loop. Each continuation is
/// resumed exactly once, by whoever removes it from the queue under the lock: `release` (with
/// `true`, handing its permit straight over), the deadline timer or cancellation (with `false`).
public final class Bulkhead: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var inFlight = 0
        /// Oldest first. Removal by id is linear, but the queue is bounded by the gateway's own
        /// concurrency and usually short.
        var queue: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private enum Attempt: Equatable {
        case acquired
        case refused
        case wait(id: UInt64)
    }

    public let maxInFlight: Int
    private let state = Mutex(State())

    public init(maxInFlight: Int) {
        precondition(maxInFlight >= 1, "a bulkhead must admit at least one call")
        self.maxInFlight = maxInFlight
    }

    /// Permits currently held.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Callers currently queued in `acquire`.
    public var waiting: Int { state.withLock { $0.queue.count } }

    /// Takes a permit if one is free and nobody is queued for it; never waits.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.inFlight < maxInFlight, state.queue.isEmpty else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Takes a permit, waiting behind earlier callers until one is released.
    /// - Parameter deadline: the latest moment to wait until.
    /// - Returns: `true` with a permit that must be given back with `release()`; `false` without
    ///   one when `deadline` passed first, or the task is or gets cancelled (a cancelled task has no
    ///   call to make). A permit handed over at the same moment as a cancellation is kept:
    ///   `true` always means a permit is held.
    public func acquire(deadline: ContinuousClock.Instant) async -> Bool {
        guard !Task.isCancelled else { return false }
        let attempt = state.withLock { state -> Attempt in
            if state.inFlight < maxInFlight, state.queue.isEmpty {
                state.inFlight += 1
                return .acquired
            }
            guard ContinuousClock.now < deadline else { return .refused }
            state.nextID &+= 1
            return .wait(id: state.nextID)
        }
        guard case .wait(let id) = attempt else { return attempt == .acquired }

        // The racer: at the deadline it takes the waiter out of the queue, if it is still there.
        // Cancelled as soon as the wait ends, so it outlives `acquire` by one wake-up at most.
        let timer = Task { [self] in
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            giveUp(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let attempt = state.withLock { state -> Attempt in
                    // A cancellation or deadline that came before this line found no waiter to
                    // remove; the task's flag and the clock still tell. Checked under the lock, so
                    // nothing can slip between this check and the enqueue.
                    guard !Task.isCancelled, ContinuousClock.now < deadline else { return .refused }
                    if state.inFlight < maxInFlight, state.queue.isEmpty {
                        state.inFlight += 1
                        return .acquired
                    }
                    state.queue.append(Waiter(id: id, continuation: continuation))
                    return .wait(id: id)
                }
                switch attempt {
                case .acquired: continuation.resume(returning: true)
                case .refused: continuation.resume(returning: false)
                case .wait: break
                }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    /// Gives back a permit from `acquire` or `tryAcquire`; the longest waiter, if any, gets it.
    public func release() {
        let next = state.withLock { state -> Waiter? in
            precondition(state.inFlight > 0, "Bulkhead.release() without a permit")
            guard !state.queue.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }

    /// Resumes waiter `id` with `false` if it is still queued; otherwise it already got its answer.
    private func giveUp(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
            return state.queue.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }
}
