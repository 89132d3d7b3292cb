import CMicroHTTPD
import Synchronization

/// A running libmicrohttpd daemon and the strings its options point to. It is stopped
/// exactly once: by `stop()`, or at the latest when the handle is dropped (the strings
/// are released only after that).
// @unchecked: `pointer` never changes; `stopped` makes MHD_stop_daemon run once, and
// nothing else is called on the pointer.
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

    /// Closes the listener and every connection, and joins MHD's threads. No connection may
    /// still be suspended (MHD panics). Later calls do nothing.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        MHD_stop_daemon(pointer)
    }

    deinit {
        stop()
    }
}
