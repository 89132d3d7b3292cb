import Synchronization

/// What MHD's threads need of the server: the handler, the body limit, and the tasks
/// that are answering suspended connections, so shutdown can wait for or cancel them.
final class ServerContext: Sendable {
    let handler: HTTPHandler
    let maxBodyBytes: Int
    private let tasks = Mutex(RunningTasks())

    private struct RunningTasks {
        var nextID = 0
        var byID: [Int: Task<Void, Never>] = [:]
        /// Once set, every new task starts cancelled, so it ends (and resumes its
        /// connection) at once.
        var stopping = false
    }

    init(handler: @escaping HTTPHandler, maxBodyBytes: Int) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
    }

    /// Runs `work` in a tracked task; `work` must end by resuming the connection it serves.
    func run(_ work: @escaping @Sendable () async -> Void) {
        tasks.withLock { tasks in
            let id = tasks.nextID
            tasks.nextID += 1
            // The task removes itself under the same lock, so it cannot finish before it is listed.
            let task = Task {
                await work()
                self.tasks.withLock { _ = $0.byID.removeValue(forKey: id) }
            }
            if tasks.stopping { task.cancel() }
            tasks.byID[id] = task
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

    /// Cancels every running task and every later one, then waits until none is left and
    /// none has started for a moment: a resumed connection may still ask for one more
    /// chunk of a streamed body, and MHD must not be stopped with a connection suspended.
    func cancelAndDrainTasks() async {
        let running = tasks.withLock { tasks in
            tasks.stopping = true
            return Array(tasks.byID.values)
        }
        for task in running { task.cancel() }
        var quietChecks = 0
        while quietChecks < 3 {
            await waitForTasks(upTo: .seconds(10))
            try? await Task.sleep(for: .milliseconds(10))
            quietChecks = tasks.withLock { $0.byID.isEmpty } ? quietChecks + 1 : 0
        }
    }
}
