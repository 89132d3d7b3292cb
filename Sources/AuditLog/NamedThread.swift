import CLinux
import Glibc

/// A detached thread of the audit log's own (the writer, its watchdog), named so that `top -H`,
/// `ps` and profiles show which it is. Plain pthreads: Foundation's `Thread` would load Foundation
/// into the gateway for two threads (README "Performance").
enum NamedThread {
    /// Runs `body` on a new thread called `name`.
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, entry, Unmanaged.passRetained(Start(name: name, body: body)).toOpaque())
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_detach(thread)
    }

    /// What the new thread is handed through `pthread_create`'s one pointer.
    private final class Start {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// The C entry of the thread: names it from inside (as the event loops' threads do; the kernel
    /// keeps the first 15 bytes), then runs the body. A static member of a nonisolated type, as a
    /// C callback must be.
    private static let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { pointer in
        let start = Unmanaged<Start>.fromOpaque(pointer!).takeRetainedValue()
        _ = start.name.withCString { eg_name_current_thread($0) }
        start.body()
        return nil
    }
}
