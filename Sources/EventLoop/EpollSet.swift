import CLinux
import Glibc

/// A handler's view of its event loop's epoll set: the descriptors it adds are tagged with the
/// handler's number (the upper half of `epoll_data`, the descriptor the lower half), so the loop
/// hands each ready descriptor to the handler that added it. The corresponding C function is
/// `epoll_ctl`; a failure comes back as its `Errno`.
public struct EpollSet: Sendable {
    public let descriptor: Int32
    /// The number the loop knows the handler by; `0` is the loop's own wake-up descriptor.
    public let tag: UInt32

    public init(descriptor: Int32, tag: UInt32) {
        self.descriptor = descriptor
        self.tag = tag
    }

    /// What epoll hands back for `fd` of the handler with `tag`.
    static func data(fd: Int32, tag: UInt32) -> epoll_data {
        epoll_data(u64: UInt64(tag) << 32 | UInt64(UInt32(bitPattern: fd)))
    }

    /// The tag and descriptor of a ready event.
    static func split(_ data: epoll_data) -> (tag: UInt32, fd: Int32) {
        (UInt32(truncatingIfNeeded: data.u64 >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: data.u64)))
    }

    @discardableResult
    public func add(_ fd: Int32, events: UInt32) -> Errno? {
        control(EPOLL_CTL_ADD, fd, events: events)
    }

    @discardableResult
    public func modify(_ fd: Int32, events: UInt32) -> Errno? {
        control(EPOLL_CTL_MOD, fd, events: events)
    }

    @discardableResult
    public func remove(_ fd: Int32) -> Errno? {
        control(EPOLL_CTL_DEL, fd, events: 0)
    }

    private func control(_ operation: Int32, _ fd: Int32, events: UInt32) -> Errno? {
        var event = epoll_event(events: events, data: Self.data(fd: fd, tag: tag))
        return epoll_ctl(descriptor, operation, fd, &event) == 0 ? nil : .current
    }
}
