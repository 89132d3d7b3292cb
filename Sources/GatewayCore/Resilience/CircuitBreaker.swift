import Synchronization

/// Stops calling a department that keeps failing, so that its callers get `circuit_open`
/// at once instead of waiting for timeouts, and the department gets room to recover.
///
/// - **closed**: every call is admitted. The breaker opens after `consecutiveFailures` failures
///   in a row, or when at least `failureRateThreshold` of the calls in the sliding `window` failed
///   and the window holds at least `minimumCalls` calls.
/// - **open**: every call is rejected for `openDuration`, with the time left as `retryAfter`.
/// - **half-open**: once the open period is over, up to `halfOpenProbes` calls at once are admitted
///   as probes. The first probe that succeeds closes the breaker; one that fails opens it again.
///
/// Every permit from `admit` must be given back exactly once, with `record` (the call was made)
/// or `abandon` (it was not); a probe permit never given back keeps its slot forever.
/// Reports on permits from before the latest state change are ignored: a slow call admitted while
/// closed cannot close or reopen a breaker that has since opened.
public final class CircuitBreaker: Sendable {
    /// What a breaker does with the next call.
    public enum State: String, Sendable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"

        /// The value of `exchange_gateway_circuit_breaker_state`: 0 closed, 1 open, 2 half-open.
        public var gaugeValue: Double {
            switch self {
            case .closed: 0
            case .open: 1
            case .halfOpen: 2
            }
        }
    }

    /// Leave to make one call; give it back with `record` or `abandon`.
    public struct Permit: Sendable, Equatable {
        /// The breaker's state change this permit was issued in.
        fileprivate let generation: UInt64
        /// Whether this call is a half-open probe whose outcome decides the breaker's state.
        public let isProbe: Bool
    }

    /// The answer of `admit`.
    public enum Admission: Sendable, Equatable {
        case allowed(Permit)
        /// No call may be made; the breaker may admit one again after `retryAfter`
        /// (the rest of the open period; while the half-open probes are out, `openDuration`).
        case rejected(retryAfter: Duration)
    }

    private enum Phase {
        case closed
        case open(until: ContinuousClock.Instant)
        case halfOpen(probesOut: Int)
    }

    private struct Core {
        var phase = Phase.closed
        /// Bumped on every state change; permits of older generations are ignored.
        var generation: UInt64 = 0
        var consecutiveFailures = 0
        var window: FailureWindow
    }

    public let config: CircuitBreakerConfig
    private let core: Mutex<Core>

    /// - Parameters:
    ///   - config: validated thresholds; each count and duration must be positive.
    ///   - now: where the sliding window's time slots start; tests pass a simulated instant.
    public init(config: CircuitBreakerConfig = CircuitBreakerConfig(), now: ContinuousClock.Instant = .now) {
        precondition(config.consecutiveFailures >= 1 && config.minimumCalls >= 1 && config.halfOpenProbes >= 1,
                     "circuit breaker counts must be at least 1")
        precondition(config.failureRateThreshold > 0 && config.failureRateThreshold <= 1,
                     "the failure rate threshold must be in (0, 1]")
        precondition(config.window > .zero && config.openDuration > .zero, "circuit breaker durations must be positive")
        self.config = config
        core = Mutex(Core(window: FailureWindow(window: config.window, origin: now)))
    }

    /// Whether a source status counts against the department: `timeout`, `unavailable`,
    /// `upstream_error` and `invalid_response` do; `ok` and `not_found` do not (a 404 means the
    /// department works). `circuit_open` and `not_permitted` mean no call was made, so they are
    /// not outcomes at all: `record(_:status:now:)` abandons the permit for them.
    public static func isFailure(_ status: SourceStatus) -> Bool {
        switch status {
        case .timeout, .unavailable, .upstreamError, .invalidResponse: true
        case .ok, .notFound, .circuitOpen, .notPermitted: false
        }
    }

    /// The state as of the last `admit` or `record`. An open breaker whose open period is over
    /// reads as open here until the next `admit`; `state(now:)` tells the state a call would meet.
    public var state: State {
        core.withLock { core in Self.state(of: core.phase) }
    }

    /// The state a call at `now` would meet: like `state`, but an open breaker whose open period
    /// is over reads as half-open. Changes nothing.
    public func state(now: ContinuousClock.Instant) -> State {
        core.withLock { core in
            if case .open(let until) = core.phase, now >= until { return .halfOpen }
            return Self.state(of: core.phase)
        }
    }

    /// Asks to make one call at `now`.
    /// - Returns: `.allowed` with a permit to give back, or `.rejected` with how long to wait.
    public func admit(now: ContinuousClock.Instant = .now) -> Admission {
        core.withLock { core in
            if case .open(let until) = core.phase {
                guard now >= until else { return .rejected(retryAfter: now.duration(to: until)) }
                core.phase = .halfOpen(probesOut: 0)
                core.generation &+= 1
            }
            switch core.phase {
            case .closed:
                return .allowed(Permit(generation: core.generation, isProbe: false))
            case .halfOpen(let probesOut) where probesOut < config.halfOpenProbes:
                core.phase = .halfOpen(probesOut: probesOut + 1)
                return .allowed(Permit(generation: core.generation, isProbe: true))
            case .halfOpen, .open:
                return .rejected(retryAfter: config.openDuration)
            }
        }
    }

    /// Reports the outcome of a call made under `permit`.
    /// - Parameters:
    ///   - success: whether the department worked; `isFailure(_:)` maps a source status to it.
    ///   - now: when the call ended; an open period starts here.
    public func record(_ permit: Permit, success: Bool, now: ContinuousClock.Instant = .now) {
        core.withLock { core in
            guard permit.generation == core.generation else { return }
            switch core.phase {
            case .closed:
                core.window.record(failure: !success, at: now)
                guard !success else {
                    core.consecutiveFailures = 0
                    return
                }
                core.consecutiveFailures += 1
                if core.consecutiveFailures >= config.consecutiveFailures || rateExceeded(core.window.totals(at: now)) {
                    open(&core, now: now)
                }
            case .halfOpen where permit.isProbe:
                if success { close(&core) } else { open(&core, now: now) }
            case .halfOpen, .open:
                return
            }
        }
    }

    /// Reports a call by its source status: failures per `isFailure(_:)`; for `circuit_open` and
    /// `not_permitted` (no call was made) the permit is abandoned.
    public func record(_ permit: Permit, status: SourceStatus, now: ContinuousClock.Instant = .now) {
        switch status {
        case .circuitOpen, .notPermitted: abandon(permit)
        default: record(permit, success: !Self.isFailure(status), now: now)
        }
    }

    /// Gives back a permit whose call was not made (cancelled, or refused elsewhere before it started),
    /// so a half-open probe slot is freed without a verdict.
    public func abandon(_ permit: Permit) {
        core.withLock { core in
            guard permit.generation == core.generation, permit.isProbe, case .halfOpen(let probesOut) = core.phase else { return }
            core.phase = .halfOpen(probesOut: max(0, probesOut - 1))
        }
    }

    private func rateExceeded(_ totals: (calls: Int, failures: Int)) -> Bool {
        totals.calls >= config.minimumCalls
            && Double(totals.failures) >= config.failureRateThreshold * Double(totals.calls)
    }

    private func open(_ core: inout Core, now: ContinuousClock.Instant) {
        core.phase = .open(until: now + config.openDuration)
        core.generation &+= 1
        core.consecutiveFailures = 0
        core.window.reset()
    }

    private func close(_ core: inout Core) {
        core.phase = .closed
        core.generation &+= 1
        core.consecutiveFailures = 0
        core.window.reset()
    }

    private static func state(of phase: Phase) -> State {
        switch phase {
        case .closed: .closed
        case .open: .open
        case .halfOpen: .halfOpen
        }
    }
}
