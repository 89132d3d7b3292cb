import CLinux
import CMicroHTTPD
import EventLoop
import Synchronization

/// One libmicrohttpd daemon driven by one event loop: the daemon has no thread of its own; its
/// epoll set sits in the loop's, and the loop calls `MHD_run` when that is readable, when MHD's
/// own timeout (idle connections) is due, or when a connection was resumed. So a request is read,
/// handled and answered on the loop's thread, and a task that answers it runs there too.
///
/// It also keeps the connections suspended while work for them runs (`Suspension`), so shutdown
/// can wait for, cancel, or overrule that work.
// @unchecked: everything mutable (`suspensions`, `needsRun`, `nextTimeout`, `isStopping`,
// `epollSet`) and the daemon are used only on `loop`'s thread, which every entry checks in debug
// builds; MHD's callbacks run there too, inside MHD_run and MHD_stop_daemon. `inFlight` is atomic
// for shutdown, which waits from another thread.
final class LoopDaemon: EventLoopHandler, @unchecked Sendable {
    let loop: EventLoop
    let context: ServerContext
    /// Set once, right after MHD started it (MHD needs this object as its callbacks' context first).
    private var daemon: MHDDaemon!
    private var epollSet: EpollSet?
    private var suspensions: [Suspension] = []
    /// MHD has work: its epoll set was readable, or a connection was resumed.
    private var needsRun = false
    /// When MHD wants to run without any event (its connection timeouts).
    private var nextTimeout: ContinuousClock.Instant?
    /// Once set, no connection is suspended any more: new requests get the server's refusal.
    private(set) var isStopping = false
    /// Connections suspended now; read by shutdown from another thread.
    private let inFlight = Atomic(0)

    init(loop: EventLoop, context: ServerContext) {
        self.loop = loop
        self.context = context
    }

    /// Takes the daemon MHD started with this object as its callbacks' context; before `start`.
    func attach(_ daemon: MHDDaemon) {
        precondition(self.daemon == nil, "a daemon attached twice")
        self.daemon = daemon
    }

    /// Stops a daemon that never joined its loop (a later one failed to start).
    func stopUnstarted() {
        precondition(epollSet == nil, "a started daemon stops on its loop")
        daemon.stop()
    }

    /// The port the daemon listens on.
    var boundPort: Int { daemon.boundPort }

    /// Whether the daemon has been stopped (by `stop`, or never started).
    var hasStopped: Bool { daemon.hasStopped }

    /// Connections whose work is not done yet.
    var suspendedCount: Int { inFlight.load(ordering: .relaxed) }

    /// Joins the loop's turns; on the loop's thread.
    func start() {
        let epollSet = loop.register(self)
        if let error = epollSet.add(daemon.epollDescriptor, events: EPOLLIN.rawValue) {
            preconditionFailure("MHD's epoll set cannot join the loop's: \(error)")
        }
        self.epollSet = epollSet
        needsRun = true
    }

    /// Closes the listener and every connection and leaves the loop; on the loop's thread, with no
    /// connection suspended any more.
    func stop() {
        loop.assertInEventLoop()
        precondition(suspensions.isEmpty, "a daemon stopped with connections suspended")
        if let epollSet {
            epollSet.remove(daemon.epollDescriptor)
            loop.unregister(epollSet)
            self.epollSet = nil
        }
        daemon.stop()
    }

    // MARK: EventLoopHandler

    func descriptorReady(_ fd: Int32, events: UInt32) {
        loop.assertInEventLoop()
        needsRun = true
    }

    func runDue(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        loop.assertInEventLoop()
        guard epollSet != nil else { return nil }
        if needsRun || nextTimeout.map({ $0 <= now }) ?? false {
            needsRun = false
            daemon.run()
            nextTimeout = daemon.timeout().map { .now + $0 }
        }
        return needsRun ? now : nextTimeout
    }

    // MARK: Suspended connections

    /// Suspends `suspension`'s connection (from the MHD callback serving it) until `resume`.
    func suspend(_ suspension: Suspension) {
        loop.assertInEventLoop()
        guard case .pending = suspension.phase else { preconditionFailure("a connection suspended twice") }
        MHD_suspend_connection(suspension.connection)
        suspension.phase = .suspended(slot: suspensions.count)
        suspensions.append(suspension)
        inFlight.add(1, ordering: .relaxed)
    }

    /// Hands the connection back to MHD, which calls the access handler (or content reader) again
    /// at the loop's next turn; later calls do nothing.
    func resume(_ suspension: Suspension) {
        loop.assertInEventLoop()
        guard case .suspended(let slot) = suspension.phase else { return }
        let last = suspensions.removeLast()
        if last !== suspension {
            suspensions[slot] = last
            last.phase = .suspended(slot: slot)
        }
        suspension.phase = .resumed
        // What they hold (the handler's closures, the task) is of no use any more; `onCancel`
        // usually holds the exchange that holds the suspension.
        suspension.onCancel = nil
        suspension.task = nil
        MHD_resume_connection(suspension.connection)
        inFlight.subtract(1, ordering: .relaxed)
        needsRun = true
    }

    /// Stops suspending connections, cancels the running tasks and tells the handlers that have
    /// none running yet.
    func beginStopping() {
        loop.assertInEventLoop()
        isStopping = true
        for suspension in suspensions {
            if let task = suspension.task {
                task.cancel()
            } else if let onCancel = suspension.onCancel {
                suspension.onCancel = nil
                onCancel()
            }
        }
    }

    /// Resumes the connections whose work is still running (they then get the server's refusal,
    /// or their stream ends); the work finishes on its own but no longer touches MHD.
    /// - Returns: how many connections were resumed this way.
    func resumeRemaining() -> Int {
        loop.assertInEventLoop()
        let remaining = suspensions
        for suspension in remaining { resume(suspension) }
        return remaining.count
    }
}
