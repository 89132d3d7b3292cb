import CLinux
import Dispatch
import Glibc
import Synchronization

/// One thread that owns an epoll set and runs, turn after turn: the descriptors epoll reports
/// ready, the work of its handlers (a libmicrohttpd daemon, a libcurl multi handle), and the jobs
/// of the Swift tasks that prefer it as their executor (SE-0417, `Task(executorPreference:)`).
///
/// A task that runs on the loop and awaits something the loop itself completes (an upstream
/// transfer of the loop's multi handle) resumes on the loop without any thread waking: the
/// continuation's job goes into the loop's local queue and runs before it next waits. Work from
/// other threads goes into a locked queue; the eventfd is written only when the loop sleeps (or is
/// about to): an awake loop looks at that queue before it waits again.
///
/// The loop's state is its thread's alone; other threads reach it only through `execute` and
/// `enqueue`. Sources assert that they are called on it (`assertInEventLoop`, debug builds).
// @unchecked: `local`, `running`, `handlers` and `freeTags` are touched only on the loop's thread
// (checked in debug builds); other threads go through `remote` (a Mutex), the `sleeping` flag and
// the eventfd, which stays open until `deinit`, so a late `execute` never writes to a closed
// descriptor. `thread` is set in `init` and read by `stop`.
public final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// Work for the loop's thread: a task's job, or a closure.
    private enum Work: Sendable {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private enum RunState {
        case running, stopping, stopped
    }

    private struct Remote {
        var work: [Work] = []
        var state = RunState.running
    }

    /// The thread's name, as `top -H` and profiles show it.
    public let name: String
    private let epoll: Int32
    private let wakeup: Int32
    private let remote = Mutex(Remote())
    /// Set by the loop before its last look at `remote` ahead of `epoll_wait`, cleared when it
    /// wakes. A thread that adds work writes to the eventfd only when it finds the flag set (and
    /// clears it, so one write serves every addition until the loop wakes).
    private let sleeping = Atomic(false)
    private let threadID = Atomic<UInt>(0)
    /// Set when the loop's thread has finished: its state is then whoever's runs it (no one else can).
    private let exited = Atomic(false)
    /// Eventfd writes so far: how often another thread had to wake the loop.
    private let wakeupWrites = Atomic(0)
    /// Times the loop came back from `epoll_wait`.
    private let wakeUps = Atomic(0)
    private var thread: pthread_t?
    private var local: [Work] = []
    /// The batch of `local` being run; kept to reuse its memory.
    private var running: [Work] = []
    /// By tag − 1; `nil` where a handler was unregistered.
    private var handlers: [EventLoopHandler?] = []
    private var freeTags: [UInt32] = []

    /// Starts the loop's thread.
    public init(name: String) {
        self.name = name
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epoll >= 0 && wakeup >= 0, "epoll_create1/eventfd failed: \(Errno.current)")
        EpollSet(descriptor: epoll, tag: 0).add(wakeup, events: EPOLLIN.rawValue)
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, LoopThread.entry, Unmanaged.passRetained(self).toOpaque())
        precondition(created == 0, "pthread_create failed: \(Errno(created))")
        self.thread = thread
    }

    deinit {
        close(epoll)
        close(wakeup)
    }

    // MARK: Which thread

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool {
        pthread_equal(pthread_self(), threadID.load(ordering: .relaxed)) != 0
    }

    /// Traps in debug builds when the caller is not on this loop's thread (while it runs): what
    /// loop-owned state checks on every access.
    public func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop || exited.load(ordering: .acquiring), "\(name)'s state touched from another thread", file: file, line: line)
    }

    /// The loop whose thread the caller runs on, if any.
    public static var current: EventLoop? {
        pthread_getspecific(LoopThread.currentKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    // MARK: Work from anywhere

    /// Runs `work` on the loop's thread: after the current job when called there, else after the
    /// loop wakes (or finishes its turn).
    /// - Returns: `false`, without running it, when the loop has stopped.
    @discardableResult
    public func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        if inEventLoop {
            local.append(.closure(work))
            return true
        }
        return enqueueRemote(.closure(work))
    }

    /// Runs `work` on the loop's thread and returns its result: at once when called there or when
    /// the loop has stopped (nothing else runs its state then), else waiting for the loop. For
    /// starting and stopping what a loop drives, not for requests.
    public func executeAndWait<Result: Sendable>(_ work: @escaping @Sendable () -> Result) -> Result {
        if inEventLoop { return work() }
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result?>(nil)
        let accepted = enqueueRemote(.closure {
            let value = work()
            result.withLock { $0 = value }
            done.signal()
        })
        guard accepted else { return work() }
        done.wait()
        return result.withLock { $0! }
    }

    /// Runs `work` on the loop's thread and returns its result, the caller suspended meanwhile (at
    /// once when the loop has stopped).
    public func submit<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        if inEventLoop { return work() }
        // Unsafe: the closure resumes it exactly once, or it is resumed here when the loop refused.
        return await withUnsafeContinuation { continuation in
            let accepted = enqueueRemote(.closure { continuation.resume(returning: work()) })
            if !accepted { continuation.resume(returning: work()) }
        }
    }

    /// A task's job: into the local queue on the loop's thread, else the remote one (see
    /// `TaskExecutor`). A job that comes after the loop stopped runs on the global executor, so a
    /// task still finishes.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if inEventLoop {
            local.append(.job(job))
        } else if !enqueueRemote(.job(job)) {
            globalConcurrentExecutor.enqueue(job)
        }
    }

    private func enqueueRemote(_ work: Work) -> Bool {
        let accepted = remote.withLock { remote in
            guard remote.state != .stopped else { return false }
            remote.work.append(work)
            return true
        }
        if accepted, sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            signalWakeup()
        }
        return accepted
    }

    private func signalWakeup() {
        wakeupWrites.add(1, ordering: .relaxed)
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    /// How often another thread wrote to the eventfd to wake the loop, and how often the loop came
    /// back from waiting, so far: what tests and benchmarks count.
    public var wakeCounts: (writes: Int, wakeUps: Int) {
        (wakeupWrites.load(ordering: .relaxed), wakeUps.load(ordering: .relaxed))
    }

    // MARK: Sources

    /// Adds `handler` to the loop's turns; on the loop's thread.
    /// - Returns: the epoll set, tagged for `handler`, to add its descriptors to.
    public func register(_ handler: EventLoopHandler) -> EpollSet {
        assertInEventLoop()
        let tag: UInt32
        if let free = freeTags.popLast() {
            tag = free
            handlers[Int(tag) - 1] = handler
        } else {
            handlers.append(handler)
            tag = UInt32(handlers.count)
        }
        return EpollSet(descriptor: epoll, tag: tag)
    }

    /// Takes the handler registered under `epollSet` out of the loop's turns; on the loop's thread.
    /// Its descriptors must have left the epoll set.
    public func unregister(_ epollSet: EpollSet) {
        assertInEventLoop()
        handlers[Int(epollSet.tag) - 1] = nil
        freeTags.append(epollSet.tag)
    }

    // MARK: Stopping

    /// Ends the loop once its queued work is done, and waits for its thread; later calls return at
    /// once. Work that arrives after that runs elsewhere (`enqueue`) or is refused (`execute`).
    /// Not on the loop's own thread.
    public func stop() {
        precondition(!inEventLoop, "an event loop cannot stop itself")
        let first = remote.withLock { remote in
            guard remote.state == .running else { return false }
            remote.state = .stopping
            return true
        }
        guard first, let thread else { return }
        signalWakeup()
        pthread_join(thread, nil)
    }

    // MARK: The loop's thread

    fileprivate func run() {
        threadID.store(pthread_self(), ordering: .releasing)
        pthread_setspecific(LoopThread.currentKey, Unmanaged.passUnretained(self).toOpaque())
        _ = name.withCString { eg_name_current_thread($0) }
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let next = runUntilQuiet()
            // Before the last look at the remote queue: work added after it sees the flag and writes.
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let (incoming, state) = remote.withLock { remote in
                defer { remote.work.removeAll(keepingCapacity: true) }
                return (remote.work, remote.state)
            }
            if !incoming.isEmpty {
                sleeping.store(false, ordering: .relaxed)
                local += incoming
                continue
            }
            if state == .stopping { break }
            let ready = Self.wait(epoll, &events, timeout: Self.milliseconds(until: next))
            sleeping.store(false, ordering: .relaxed)
            wakeUps.add(1, ordering: .relaxed)
            for event in events.prefix(ready) {
                let (tag, fd) = EpollSet.split(event.data)
                if tag == 0 {
                    var count: UInt64 = 0
                    _ = read(wakeup, &count, 8)
                } else if let handler = handlers[Int(tag) - 1] {
                    handler.descriptorReady(fd, events: event.events)
                }
            }
        }
        let late = remote.withLock { remote in
            remote.state = .stopped
            defer { remote.work = [] }
            return remote.work
        }
        // Nothing may stay unrun: a job is a task that would never finish.
        local += late
        runLocal()
        exited.store(true, ordering: .releasing)
    }

    /// Runs queued work and the handlers' due work until no work is queued; returns when a handler
    /// is next due.
    private func runUntilQuiet() -> ContinuousClock.Instant? {
        var next: ContinuousClock.Instant?
        repeat {
            runLocal()
            next = nil
            let now = ContinuousClock.now
            for case let handler? in handlers {
                if let due = handler.runDue(now: now), next.map({ due < $0 }) ?? true { next = due }
            }
        } while !local.isEmpty
        return next
    }

    private func runLocal() {
        while !local.isEmpty {
            swap(&local, &running)
            for work in running {
                switch work {
                case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                case .closure(let closure): closure()
                }
            }
            running.removeAll(keepingCapacity: true)
        }
    }

    /// epoll_wait's timeout for `deadline`: rounded up, so the loop does not wake just before it
    /// and turn for nothing; `-1` (no timeout) without one.
    private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// The corresponding C function is `epoll_wait`; EINTR is retried. Returns how many events are ready.
    private static func wait(_ epoll: Int32, _ events: inout [epoll_event], timeout: Int32) -> Int {
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            if count >= 0 { return Int(count) }
            let error = Errno.current
            precondition(error.rawValue == EINTR, "epoll_wait failed: \(error)")
        }
    }
}

/// The C entry of a loop's thread and the thread-local that names its loop. A nonisolated type
/// with static members, as a C callback must be.
private enum LoopThread {
    static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { pointer in
        Unmanaged<EventLoop>.fromOpaque(pointer!).takeRetainedValue().run()
        return nil
    }
}
