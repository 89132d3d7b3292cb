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
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { waiter.deliver(signalNumber) }
                source.resume()
                waiter.keep(source)
            }
        }
    }
}

/// Resumes its continuation once, and keeps the signal sources alive until then.
private final class SignalWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var sources: [RetainedSource] = []
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Int32, Never>) {
        state = Mutex(State(continuation: continuation))
    }

    func keep(_ source: any DispatchSourceSignal) {
        let retained = RetainedSource(source: source)
        state.withLock { $0.sources.append(retained) }
    }

    func deliver(_ signalNumber: Int32) {
        let (waiting, sources) = state.withLock { state in
            defer { state = State() }
            return (state.continuation, state.sources)
        }
        guard let waiting else { return }
        for retained in sources { retained.source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        waiting.resume(returning: signalNumber)
    }
}

/// A signal source kept alive until it is cancelled.
// @unchecked: dispatch sources are thread-safe objects, and the only call made on this one
// after it is stored is `cancel()`, which may come from any thread.
struct RetainedSource: @unchecked Sendable {
    let source: any DispatchSourceSignal
}
