import EventLoop

/// One request's way to its answer, handed to an `HTTPExchangeHandler` on the event loop that read
/// the request. The handler either replies at once (`reply`, no suspension at all), starts a task
/// on that loop (`run`), or returns having arranged for one of them to come later (a request
/// waiting for admission costs no task then, only its suspended connection and whatever the
/// handler keeps). Exactly one reply per request; `run` at most once.
///
/// Both may be called from any thread: they go to the loop first. Once the server is stopping, a
/// task started with `run` is cancelled at once, and a handler that has no task yet is told
/// through `onCancel`.
// @unchecked: `state` and `suspension` are touched only on `loop`'s thread, like `phase` (whose box
// checks it in debug builds): `reply` and `run` hop there first.
public final class HTTPExchange: @unchecked Sendable {
    private enum Phase {
        /// The handler runs; its reply, if it replied already.
        case handling(HTTPReply?)
        /// The handler returned without a reply: the connection is suspended until there is one.
        case waiting
        /// Replied (or dropped: shutdown gave up on the connection first).
        case done
    }

    /// The loop that read the request; the exchange's task runs there.
    public let loop: EventLoop
    private let daemon: LoopDaemon
    private let state: RequestState
    private let suspension: Suspension
    private let phase: LoopBoundBox<Phase>

    init(daemon: LoopDaemon, connection: OpaquePointer, state: RequestState) {
        loop = daemon.loop
        self.daemon = daemon
        self.state = state
        suspension = Suspension(connection: connection)
        phase = LoopBoundBox(.handling(nil), loop: daemon.loop)
    }

    /// Answers the request with `reply`.
    public func reply(_ reply: HTTPReply) {
        guard loop.inEventLoop else {
            loop.execute { self.reply(reply) }
            return
        }
        switch phase.value {
        case .handling(nil):
            phase.value = .handling(reply)
        case .handling(.some), .done:
            preconditionFailure("a request replied to twice")
        case .waiting:
            phase.value = .done
            suspension.onCancel = nil
            // After shutdown resumed the connection (and answered it), the reply has no one to go to.
            guard !suspension.isResumed else { return }
            state.reply = reply
            daemon.resume(suspension)
        }
    }

    /// Starts `work` as a task on the exchange's loop (so whatever it awaits from that loop resumes
    /// it without waking a thread); its result is the reply.
    public func run(_ work: @escaping @Sendable () async -> HTTPReply) {
        guard loop.inEventLoop else {
            loop.execute { self.run(work) }
            return
        }
        precondition(suspension.task == nil, "a request's task started twice")
        let task = Task(executorPreference: loop) { self.reply(await work()) }
        suspension.task = task
        // Shutdown cancels the task from now on.
        suspension.onCancel = nil
        if daemon.isStopping { task.cancel() }
    }

    /// What the server calls when it begins stopping while no task of the request runs yet; on
    /// the loop's thread, from the handler.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        loop.assertInEventLoop()
        suspension.onCancel = handler
    }

    /// The handler returned: its reply if it gave one (then nothing was suspended), else the
    /// connection is suspended until the reply comes.
    func handlerReturned() -> HTTPReply? {
        guard case .handling(let reply) = phase.value else { preconditionFailure("the handler returned twice") }
        if let reply {
            precondition(suspension.task == nil, "a request both replied to and given a task")
            phase.value = .done
            return reply
        }
        phase.value = .waiting
        daemon.suspend(suspension)
        return nil
    }
}
