import Synchronization

/// What MHD's threads need of the server: the handler, the answer for requests arriving
/// while it stops, the body limit, the per-address connection limit, the header deadline, and the
/// tasks answering suspended connections, so shutdown can wait for, cancel, or overrule them.
final class ServerContext: Sendable {
    let handler: HTTPHandler
    let refusal: @Sendable (HTTPRequest) -> HTTPResponse
    let maxBodyBytes: Int
    let connectionsPerAddress: AddressLimit
    let isUncountedPeer: @Sendable (String) -> Bool
    let headerDeadline: HeaderDeadline?
    private let tasks = Mutex(RunningTasks())

    private struct RunningTasks {
        var nextID = 0
        var byID: [Int: (task: Task<Void, Never>, connection: SuspendedConnection)] = [:]
        /// Once set, no connection is suspended any more: an empty `byID` then stays empty,
        /// so it means no connection is suspended.
        var stopping = false
    }

    init(handler: @escaping HTTPHandler, refusal: @escaping @Sendable (HTTPRequest) -> HTTPResponse, maxBodyBytes: Int,
         connectionsPerAddress: AddressLimit, isUncountedPeer: @escaping @Sendable (String) -> Bool, headerDeadline: HeaderDeadline?) {
        self.handler = handler
        self.refusal = refusal
        self.maxBodyBytes = maxBodyBytes
        self.connectionsPerAddress = connectionsPerAddress
        self.isUncountedPeer = isUncountedPeer
        self.headerDeadline = headerDeadline
    }

    var isStopping: Bool {
        tasks.withLock { $0.stopping }
    }

    /// Suspends `connection` and runs `work` in a tracked task that resumes it at the end.
    /// Once stopping, does neither and returns `false`: the caller answers at once.
    func suspend(_ connection: MHDConnection, during work: @escaping @Sendable () async -> Void) -> Bool {
        tasks.withLock { tasks in
            guard !tasks.stopping else { return false }
            let id = tasks.nextID
            tasks.nextID += 1
            let suspended = SuspendedConnection(connection)
            // The task removes itself under the same lock, so it cannot finish before it is listed.
            let task = Task {
                await work()
                suspended.resume()
                self.tasks.withLock { _ = $0.byID.removeValue(forKey: id) }
            }
            tasks.byID[id] = (task, suspended)
            return true
        }
    }

    /// Waits until no task runs, or until `limit` has passed.
    func waitForTasks(upTo limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while tasks.withLock({ !$0.byID.isEmpty }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops suspending connections and cancels the running tasks.
    func beginStopping() {
        let running = tasks.withLock { tasks in
            tasks.stopping = true
            return tasks.byID.values.map(\.task)
        }
        for task in running { task.cancel() }
    }

    /// Resumes the connections whose tasks are still running (they then get `refusal`, or
    /// their stream ends); the tasks finish on their own but no longer touch MHD.
    /// - Returns: how many connections were resumed this way.
    @discardableResult
    func resumeRemaining() -> Int {
        let remaining = tasks.withLock { $0.byID.values.map(\.connection) }
        for connection in remaining { connection.resume() }
        return remaining.count
    }
}
