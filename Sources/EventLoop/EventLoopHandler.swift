/// What an event loop drives besides tasks: a libmicrohttpd daemon, a libcurl multi handle. It
/// adds its descriptors to the loop's epoll set (`EpollSet`, given when it is registered) and is
/// called only on the loop's thread.
public protocol EventLoopHandler: AnyObject {
    /// `fd`, which this handler added to the epoll set, is ready with `events`.
    func descriptorReady(_ fd: Int32, events: UInt32)

    /// Does what is due: work queued since the last turn, timers that passed. Called on every turn
    /// of the loop, after the ready descriptors and the tasks' jobs.
    /// - Returns: when the handler is next due without any of its descriptors being ready (`nil`:
    ///   only they can make it due); a moment already past asks for another turn at once.
    func runDue(now: ContinuousClock.Instant) -> ContinuousClock.Instant?
}
