import Synchronization

/// The bytes one batch's answer may still take (`limits.max_batch_response_bytes`), shared by its
/// items as they finish: an item that does not fit is left out, and once one has not fitted the
/// items not yet started are not built at all.
final class BatchBudget: Sendable {
    let limit: Int
    private let state = Mutex((remaining: 0, exhausted: false))

    init(limit: Int) {
        self.limit = limit
        state.withLock { $0.remaining = limit }
    }

    /// Takes `bytes` if they fit; `false` (and the budget counts as exhausted) if not.
    func take(_ bytes: Int) -> Bool {
        state.withLock { state in
            guard bytes <= state.remaining else {
                state.exhausted = true
                return false
            }
            state.remaining -= bytes
            return true
        }
    }

    var isExhausted: Bool {
        state.withLock { $0.exhausted }
    }
}
