import Glibc

/// A mutex and its condition variable, for the audit writer and its watchdog: what Foundation's
/// `NSCondition` gave them, without loading Foundation into the gateway (its libraries cost about
/// 8 MB of resident memory; README "Performance"). Deadlines are `ContinuousClock` instants,
/// waited for on the monotonic clock, so setting the wall clock moves none of them.
// @unchecked: the mutex and the condition live in memory allocated in `init` that never moves and
// is freed in `deinit`, and are only used through the pthread calls, which are thread-safe.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// No wait is longer than this; a caller re-checks its own deadline after a wake-up anyway.
    private static let longestWait = Duration.seconds(3600)

    init() {
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init failed")
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() {
        let result = pthread_mutex_lock(mutex)
        precondition(result == 0, "pthread_mutex_lock failed: \(result)")
    }

    func unlock() {
        let result = pthread_mutex_unlock(mutex)
        precondition(result == 0, "pthread_mutex_unlock failed: \(result)")
    }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Holding the lock: releases it until signalled or until `deadline`, then holds it again.
    /// - Returns: `false` when the deadline passed; `true` after a signal or a spurious wake-up,
    ///   so callers re-check what they wait for.
    func wait(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = min(ContinuousClock.now.duration(to: deadline), Self.longestWait)
        guard remaining > .zero else { return false }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(remaining.components.attoseconds / 1_000_000_000)
        var until = timespec(tv_sec: now.tv_sec + Int(remaining.components.seconds) + nanoseconds / 1_000_000_000,
                             tv_nsec: nanoseconds % 1_000_000_000)
        return pthread_cond_timedwait(condition, mutex, &until) != ETIMEDOUT
    }

    /// Wakes one waiter.
    func signal() {
        pthread_cond_signal(condition)
    }

    /// Wakes every waiter.
    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
