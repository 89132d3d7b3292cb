/// A value that belongs to one event loop: only the loop's thread reads or changes it, and debug
/// builds check that on every access (swift-nio's `NIOLoopBoundBox`), so a wrong-thread use traps
/// in the tests instead of racing in production.
// @unchecked: `storage` is touched only on `loop`'s thread (checked in debug builds); it is set in
// `init` before the box is handed to that thread.
public final class LoopBoundBox<Value>: @unchecked Sendable {
    public let loop: EventLoop
    private var storage: Value

    public init(_ value: Value, loop: EventLoop) {
        self.loop = loop
        storage = value
    }

    public var value: Value {
        get {
            loop.assertInEventLoop()
            return storage
        }
        _modify {
            loop.assertInEventLoop()
            yield &storage
        }
    }
}
