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
    }

    init(handler: @escaping HTTPHandler, maxBodyBytes: Int) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
    }

    /// Runs `work` in a tracked task.
    func run(_ work: @escaping @Sendable () async -> Void) {
        tasks.withLock { tasks in
            let id = tasks.nextID
            tasks.nextID += 1
            // The task removes itself under the same lock, so it cannot finish before it is listed.
            tasks.byID[id] = Task {
                await work()
                self.tasks.withLock { _ = $0.byID.removeValue(forKey: id) }
            }
        }
    }

    var runningCount: Int {
        tasks.withLock { $0.byID.count }
    }

    func cancelHandlers() {
        for task in tasks.withLock({ Array($0.byID.values) }) {
            task.cancel()
        }
    }

    func waitForHandlers(upTo limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while runningCount > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
