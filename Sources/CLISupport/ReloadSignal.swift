import Dispatch
import Glibc
import Synchronization

/// Calls an action on every SIGHUP, the conventional "reload your config" signal, instead of
/// letting it end the process.
public final class ReloadSignal: Sendable {
    private let source: Mutex<RetainedSource?>

    public init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        self.source = Mutex(RetainedSource(source: source))
    }

    /// Stops watching.
    public func cancel() {
        source.withLock { $0?.source.cancel(); $0 = nil }
    }
}
