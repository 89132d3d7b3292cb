import Synchronization

/// What several tasks of a test collect (answered request ids, statuses): a `Mutex` cannot be
/// captured by the escaping closures of those tasks, a reference to this can.
final class Collected<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func add(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}
