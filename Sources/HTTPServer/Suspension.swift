/// A connection suspended while work for it runs outside MHD's callbacks: a request's handler (its
/// task, or the handler's promise to start one, e.g. once admitted) or the next chunk of a streamed
/// body. Resumed exactly once (`LoopDaemon.resume`): by that work when it is done, or by shutdown
/// when it overran (MHD must not be stopped with a connection suspended, and resuming one twice is
/// undefined).
// @unchecked: used only on its daemon's loop; the daemon's methods that change it check that in
// debug builds. Tasks that run on that loop hold it to resume it.
final class Suspension: @unchecked Sendable {
    enum Phase {
        /// Not suspended yet: the handler has not returned.
        case pending
        /// Suspended, at `slot` of the daemon's list.
        case suspended(slot: Int)
        case resumed
    }

    let connection: OpaquePointer
    var phase = Phase.pending
    /// The task working for the connection, once it runs: shutdown cancels it.
    var task: Task<Void, Never>?
    /// What shutdown calls when no task runs yet (the handler's own way to give up).
    var onCancel: (@Sendable () -> Void)?

    init(connection: OpaquePointer) {
        self.connection = connection
    }

    var isResumed: Bool {
        if case .resumed = phase { return true }
        return false
    }
}
