import Synchronization

/// The paths a stub was asked for, so tests can check what reached a department.
final class RequestLog: Sendable {
    private let recorded = Mutex<[String]>([])

    func record(_ path: String) {
        recorded.withLock { $0.append(path) }
    }

    var paths: [String] {
        recorded.withLock { $0 }
    }
}
