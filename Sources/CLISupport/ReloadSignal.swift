import Dispatch
import Glibc
import Synchronization

/// Calls an action on every SIGHUP, the conventional "reload your config" signal, instead of
/// letting it end the process.
public final class ReloadSignal: Sendable {
    private let watch: Mutex<SignalWatch?>

    public init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let watch = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        watch.setEventHandler(handler: action)
        watch.resume()
        self.watch = Mutex(SignalWatch(watch: watch))
    }

    /// Stops watching.
    public func cancel() {
        watch.withLock { $0?.watch.cancel(); $0 = nil }
    }
}
