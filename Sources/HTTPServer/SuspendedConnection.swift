import CMicroHTTPD
import Synchronization

/// A connection suspended while a task works for it, resumed exactly once: by the task
/// when it is done, or by shutdown when the task overran its time (MHD must not be
/// stopped with a connection suspended, and resuming one twice is undefined).
final class SuspendedConnection: Sendable {
    private let connection: MHDConnection
    private let resumed = Atomic(false)

    /// Suspends `connection`; call from the MHD callback that serves it.
    init(_ connection: MHDConnection) {
        self.connection = connection
        MHD_suspend_connection(connection.pointer)
    }

    /// Hands the connection back to MHD, which calls the access handler (or content reader)
    /// again; later calls do nothing.
    func resume() {
        guard !resumed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        MHD_resume_connection(connection.pointer)
    }
}
