import Glibc
import Synchronization

/// The event loops of a process, one per core: the server's daemons and the upstream client's
/// multi handles each get one per loop, so a request is read, fetched for and answered on one
/// thread.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let nextIndex = Atomic(0)
    private let stopped = Atomic(false)

    /// One per core, but at least 2 (so one busy loop does not hold up everything).
    public static var defaultLoopCount: Int {
        max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Starts `count` loops (`0`: `defaultLoopCount`), their threads named `name-1`, `name-2`, …
    public init(loops count: Int = 0, name: String = "event-loop") {
        let count = count > 0 ? count : Self.defaultLoopCount
        loops = (1...count).map { EventLoop(name: "\(name)-\($0)") }
    }

    /// The group's loop the caller runs on, if any.
    public var current: EventLoop? {
        guard let current = EventLoop.current else { return nil }
        return loops.contains { $0 === current } ? current : nil
    }

    /// The loop the caller runs on when it is one of the group's, else the next in turn.
    public func any() -> EventLoop {
        current ?? next()
    }

    /// The loops in turn.
    public func next() -> EventLoop {
        loops[nextIndex.add(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Eventfd writes and returns from `epoll_wait` of all loops so far.
    public var wakeCounts: (writes: Int, wakeUps: Int) {
        loops.reduce((0, 0)) { sum, loop in
            let counts = loop.wakeCounts
            return (sum.0 + counts.writes, sum.1 + counts.wakeUps)
        }
    }

    /// Stops every loop and waits for their threads (later calls return at once). Whatever the
    /// loops drive must have been stopped first.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for loop in loops { loop.stop() }
    }
}
