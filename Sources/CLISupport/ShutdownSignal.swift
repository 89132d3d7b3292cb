import Dispatch
import Glibc
import Synchronization

/// Waits for SIGINT or SIGTERM, so a server can shut down cleanly instead of dying.
public enum ShutdownSignal {
    /// Returns the first of SIGINT/SIGTERM to arrive. From then on both have their default
    /// action again: a second Ctrl-C during a long drain ends the process at once.
    public static func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let waiter = SignalWaiter(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let watch = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                watch.setEventHandler { waiter.deliver(signalNumber) }
                watch.resume()
                waiter.keep(watch)
            }
        }
    }
}

/// Resumes its continuation once, and keeps the signal watches (dispatch signal sources) alive until then.
private final class SignalWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var watches: [SignalWatch] = []
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Int32, Never>) {
        state = Mutex(State(continuation: continuation))
    }

    func keep(_ watch: any DispatchSourceSignal) {
        let retained = SignalWatch(watch: watch)
        state.withLock { $0.watches.append(retained) }
    }

    func deliver(_ signalNumber: Int32) {
        let (waiting, watches) = state.withLock { state in
            defer { state = State() }
            return (state.continuation, state.watches)
        }
        guard let waiting else { return }
        for retained in watches { retained.watch.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        waiting.resume(returning: signalNumber)
    }
}

/// A dispatch signal source kept alive until it is cancelled.
// @unchecked: dispatch sources are thread-safe objects, and the only call made on this one
// after it is stored is `cancel()`, which may come from any thread.
struct SignalWatch: @unchecked Sendable {
    let watch: any DispatchSourceSignal
}
