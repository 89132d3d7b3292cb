import GatewayCore
import Synchronization

/// What the loops' multi handles share about calls: the call in flight per URL that identical
/// requests join, and the recent answers of sources that cache. Shared, so that a burst of clerks
/// asking for one property costs each department one call whichever loop each request came in
/// on; one short lock per GET call when it starts and one when it ends.
///
/// A request waits for a call in flight only if that call ends within the request's own time. A
/// request that cannot wait for it (it ends after the request's own end) starts a call of its own,
/// which is not indexed: it ends sooner, so fewer requests could wait for it. Once the indexed call
/// ends, the next call started for the URL is indexed.
final class SharedCalls: Sendable {
    private struct State {
        var joinable: [URLKey: Transfer] = [:]
        var cache = ResponseCache()
    }

    /// What becomes of a GET call about to start.
    enum Dispatch {
        /// A cached answer, still fresh.
        case answered(TransferResult)
        /// It joined the identical call in flight, which hands it its result.
        case joined
        /// It starts, and identical calls may join it.
        case leads
        /// It starts on its own: the identical call in flight ends after it.
        case alone
    }

    private let state = Mutex(State())

    func dispatch(_ transfer: Transfer, now: ContinuousClock.Instant) -> Dispatch {
        state.withLock { state in
            if transfer.request.cacheTTLMs > 0, let cached = state.cache.answer(for: transfer.request.url, now: now) {
                return .answered(cached)
            }
            guard let leader = state.joinable[transfer.key] else {
                state.joinable[transfer.key] = transfer
                transfer.isJoinable = true
                return .leads
            }
            guard leader.limits.end <= transfer.limits.end else { return .alone }
            leader.followers.append(transfer)
            return .joined
        }
    }

    /// `transfer` ended with `result`: it leaves the index, its answer is kept if its source caches
    /// and the department allows it.
    /// - Returns: the calls that joined it, for the caller to settle (on their own loops).
    func finish(_ transfer: Transfer, with result: TransferResult, now: ContinuousClock.Instant) -> [Transfer] {
        let freshness = Self.freshness(of: result, for: transfer)
        guard transfer.isJoinable || freshness != nil else { return [] }
        return state.withLock { state in
            if let freshness { state.cache.store(result, for: transfer.request.url, expires: now + freshness, now: now) }
            guard transfer.isJoinable else { return [] }
            state.joinable[transfer.key] = nil
            transfer.isJoinable = false
            defer { transfer.followers = [] }
            return transfer.followers
        }
    }

    /// How long a successful answer may be kept when its source caches and the department allows it.
    private static func freshness(of result: TransferResult, for transfer: Transfer) -> Duration? {
        guard transfer.request.cacheTTLMs > 0, transfer.request.body == nil, case .response(let status, _) = result,
              (200...299).contains(status)
        else { return nil }
        return CacheControl.freshness(ttl: .milliseconds(transfer.request.cacheTTLMs), header: transfer.cacheControl)
    }
}
