import CMicroHTTPD
import Synchronization

/// A running libmicrohttpd daemon without threads of its own, and the strings its options point
/// to. It is stopped exactly once: by `stop()`, or at the latest when the handle is dropped (the
/// strings are released only after that).
// @unchecked: `pointer` never changes; `stopped` makes MHD_stop_daemon run once. MHD_run and the
// other calls are made by the daemon's event loop only (`LoopDaemon`), or before the loop has it.
final class MHDDaemon: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let strings: CStrings?
    private let stopped = Atomic(false)

    init(pointer: OpaquePointer, strings: CStrings?) {
        self.pointer = pointer
        self.strings = strings
    }

    /// The port the daemon listens on.
    var boundPort: Int {
        Int(eg_mhd_bound_port(pointer))
    }

    /// MHD's epoll set, readable while MHD has work for `run`.
    var epollDescriptor: Int32 {
        eg_mhd_epoll_fd(pointer)
    }

    /// Reads, accepts, answers and closes what is ready, without waiting. The corresponding C
    /// function is `MHD_run`.
    func run() {
        _ = MHD_run(pointer)
    }

    /// How soon MHD must run even without any event (a connection's idle timeout; zero when
    /// connections have data waiting); `nil` when only events can give it work. The corresponding
    /// C function is `MHD_get_timeout`.
    func timeout() -> Duration? {
        var milliseconds: UInt64 = 0
        guard MHD_get_timeout(pointer, &milliseconds) == .YES else { return nil }
        return .milliseconds(Int64(clamping: milliseconds))
    }

    var hasStopped: Bool {
        stopped.load(ordering: .acquiring)
    }

    /// Closes the listener and every connection. No connection may still be suspended (MHD
    /// panics). Later calls do nothing.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        MHD_stop_daemon(pointer)
    }

    deinit {
        stop()
    }
}
