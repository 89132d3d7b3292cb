import Testing
import GatewayCore

/// All tests use simulated instants relative to one start, never the wall clock.
private let start = ContinuousClock.now

private func at(_ seconds: Double) -> ContinuousClock.Instant {
    start + .milliseconds(Int64((seconds * 1000).rounded()))
}

private func breaker(consecutive: Int = 5, rate: Double = 0.5, window: Duration = .seconds(10), minimumCalls: Int = 20,
                     open: Duration = .seconds(5), probes: Int = 1) -> CircuitBreaker {
    CircuitBreaker(config: CircuitBreakerConfig(consecutiveFailures: consecutive, failureRateThreshold: rate, window: window,
                                                minimumCalls: minimumCalls, openDuration: open, halfOpenProbes: probes),
                   now: start)
}

extension CircuitBreaker {
    /// Admits one call at `now` and records its outcome; fails the test if it is not admitted.
    fileprivate func call(success: Bool, at now: ContinuousClock.Instant, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .allowed(let permit) = admit(now: now) else {
            Issue.record("call at \(now) was rejected", sourceLocation: sourceLocation)
            return
        }
        record(permit, success: success, now: now)
    }

    /// Admits one call at `now` and returns its permit, or `nil` if rejected.
    fileprivate func permit(at now: ContinuousClock.Instant) -> Permit? {
        guard case .allowed(let permit) = admit(now: now) else { return nil }
        return permit
    }

    /// Opens a breaker whose `consecutiveFailures` is `count`, at `now`.
    fileprivate func trip(failures count: Int, at now: ContinuousClock.Instant) {
        for _ in 0..<count { call(success: false, at: now) }
    }
}

struct ResilienceCircuitBreakerTests {
    /// A new breaker is closed and admits calls that are not probes.
    @Test func startsClosed() throws {
        let breaker = breaker()
        #expect(breaker.state == .closed)
        let permit = try #require(breaker.permit(at: at(0)))
        #expect(!permit.isProbe)
    }

    /// The breaker opens on the Nth failure in a row, not before.
    @Test(arguments: [1, 2, 5, 10])
    func opensAfterConsecutiveFailures(_ threshold: Int) {
        let breaker = breaker(consecutive: threshold)
        breaker.trip(failures: threshold - 1, at: at(0))
        #expect(breaker.state == .closed)
        breaker.call(success: false, at: at(0))
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: at(0)) == .rejected(retryAfter: .seconds(5)))
    }

    /// A success in between starts the count of failures in a row again.
    @Test func successResetsConsecutiveCount() {
        let breaker = breaker(consecutive: 3)
        for success in [false, false, true, false, false, true, false, false] {
            breaker.call(success: success, at: at(0))
        }
        #expect(breaker.state == .closed)
        breaker.call(success: false, at: at(0))
        #expect(breaker.state == .open)
    }

    /// The failure rate opens the breaker only with at least `minimumCalls` calls in the window and a share ≥ the threshold.
    @Test(arguments: [
        (pattern: String(repeating: "SF", count: 9) + "S", minimumCalls: 20, opens: false),   // 19 calls: too few
        (pattern: String(repeating: "SF", count: 10), minimumCalls: 20, opens: true),          // 20 calls, 50 %
        (pattern: String(repeating: "SSF", count: 7), minimumCalls: 20, opens: false),         // 21 calls, 33 %
        (pattern: String(repeating: "SF", count: 3), minimumCalls: 6, opens: true),            // 6 calls, 50 %
        (pattern: String(repeating: "SSSF", count: 10), minimumCalls: 5, opens: false),        // 40 calls, 25 %
        (pattern: "SSSS" + String(repeating: "F", count: 4), minimumCalls: 8, opens: true),    // 8 calls, 50 %
    ])
    func opensOnFailureRate(_ pattern: String, minimumCalls: Int, opens: Bool) {
        let breaker = breaker(consecutive: 1000, rate: 0.5, minimumCalls: minimumCalls)
        for (index, outcome) in pattern.enumerated() {
            breaker.call(success: outcome == "S", at: at(Double(index) * 0.01))
        }
        #expect(breaker.state == (opens ? .open : .closed))
    }

    /// Calls older than the window no longer count towards the failure rate.
    @Test(arguments: [(secondHalfAt: 5.0, opens: true), (secondHalfAt: 9.0, opens: true), (secondHalfAt: 11.0, opens: false),
                      (secondHalfAt: 30.0, opens: false)])
    func windowForgetsOldCalls(_ secondHalfAt: Double, opens: Bool) {
        let breaker = breaker(consecutive: 1000, rate: 0.5, window: .seconds(10), minimumCalls: 20)
        for _ in 0..<10 { breaker.call(success: false, at: at(0)) }
        for _ in 0..<10 { breaker.call(success: false, at: at(secondHalfAt)) }
        #expect(breaker.state == (opens ? .open : .closed))
    }

    /// While open, calls are rejected with the rest of the open period as `retryAfter`.
    @Test(arguments: [(0.0, 5000), (1.0, 4000), (2.5, 2500), (4.999, 1)])
    func retryAfterCountsDown(_ seconds: Double, _ leftMs: Int64) {
        let breaker = breaker(consecutive: 1, open: .seconds(5))
        breaker.call(success: false, at: at(0))
        #expect(breaker.admit(now: at(seconds)) == .rejected(retryAfter: .milliseconds(leftMs)))
        #expect(breaker.state == .open)
    }

    /// After the open period, up to `halfOpenProbes` probes are admitted at once; more are rejected with `openDuration`.
    @Test(arguments: [1, 2, 3])
    func halfOpenAdmitsLimitedProbes(_ probes: Int) throws {
        let breaker = breaker(consecutive: 1, open: .seconds(5), probes: probes)
        breaker.call(success: false, at: at(0))
        for _ in 0..<probes {
            let permit = try #require(breaker.permit(at: at(5)))
            #expect(permit.isProbe)
        }
        #expect(breaker.state == .halfOpen)
        #expect(breaker.admit(now: at(5)) == .rejected(retryAfter: .seconds(5)))
        #expect(breaker.admit(now: at(6)) == .rejected(retryAfter: .seconds(5)))
    }

    /// A successful probe closes the breaker and it admits ordinary calls again.
    @Test func probeSuccessCloses() throws {
        let breaker = breaker(consecutive: 2)
        breaker.trip(failures: 2, at: at(0))
        let probe = try #require(breaker.permit(at: at(5)))
        breaker.record(probe, success: true, now: at(5.2))
        #expect(breaker.state == .closed)
        let next = try #require(breaker.permit(at: at(5.3)))
        #expect(!next.isProbe)
    }

    /// A closed-again breaker has forgotten the failures from before it opened.
    @Test func closingStartsCountsAfresh() throws {
        let breaker = breaker(consecutive: 3)
        breaker.trip(failures: 3, at: at(0))
        breaker.record(try #require(breaker.permit(at: at(5))), success: true, now: at(5))
        breaker.trip(failures: 2, at: at(5))
        #expect(breaker.state == .closed)
    }

    /// A failed probe opens the breaker again for a full open period from the probe's end.
    @Test func probeFailureReopens() throws {
        let breaker = breaker(consecutive: 1, open: .seconds(5))
        breaker.call(success: false, at: at(0))
        let probe = try #require(breaker.permit(at: at(6)))
        breaker.record(probe, success: false, now: at(7))
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: at(7)) == .rejected(retryAfter: .seconds(5)))
        #expect(breaker.admit(now: at(10)) == .rejected(retryAfter: .seconds(2)))
        #expect(try #require(breaker.permit(at: at(12))).isProbe)
    }

    /// With several probes out, the first verdict decides; the other probes' reports are ignored.
    @Test func firstProbeVerdictWins() throws {
        let breaker = breaker(consecutive: 1, probes: 2)
        breaker.call(success: false, at: at(0))
        let first = try #require(breaker.permit(at: at(5)))
        let second = try #require(breaker.permit(at: at(5)))
        breaker.record(first, success: true, now: at(5.1))
        breaker.record(second, success: false, now: at(5.2))
        #expect(breaker.state == .closed)
    }

    /// A call admitted before the breaker opened cannot change it afterwards.
    @Test(arguments: [true, false])
    func stalePermitsAreIgnored(_ success: Bool) throws {
        let breaker = breaker(consecutive: 1)
        let slow = try #require(breaker.permit(at: at(0)))
        breaker.call(success: false, at: at(0))
        #expect(breaker.state == .open)
        breaker.record(slow, success: success, now: at(0.5))
        #expect(breaker.state == .open)
        let probe = try #require(breaker.permit(at: at(5)))
        breaker.record(slow, success: success, now: at(5.1))
        #expect(breaker.state == .halfOpen)
        breaker.record(probe, success: true, now: at(5.2))
        #expect(breaker.state == .closed)
    }

    /// An abandoned probe frees its slot without deciding anything.
    @Test func abandonFreesProbeSlot() throws {
        let breaker = breaker(consecutive: 1)
        breaker.call(success: false, at: at(0))
        let probe = try #require(breaker.permit(at: at(5)))
        #expect(breaker.permit(at: at(5)) == nil)
        breaker.abandon(probe)
        #expect(breaker.state == .halfOpen)
        #expect(try #require(breaker.permit(at: at(5))).isProbe)
    }

    /// Statuses of calls that reached or tried to reach the department count as failures, except ok and not_found.
    @Test(arguments: [
        (SourceStatus.ok, false), (.notFound, false), (.timeout, true), (.unavailable, true),
        (.upstreamError, true), (.invalidResponse, true), (.circuitOpen, false), (.notPermitted, false),
    ])
    func failureStatuses(_ status: SourceStatus, _ isFailure: Bool) {
        #expect(CircuitBreaker.isFailure(status) == isFailure)
    }

    /// Recording by status opens on failures, counts not_found as a success, and abandons for statuses without a call.
    @Test(arguments: [
        ([SourceStatus.timeout, .unavailable], CircuitBreaker.State.open),
        ([.upstreamError, .notFound, .invalidResponse], .closed),
        ([.invalidResponse, .invalidResponse], .open),
        ([.timeout, .circuitOpen, .notPermitted, .timeout], .open),
    ])
    func recordByStatus(_ statuses: [SourceStatus], _ expected: CircuitBreaker.State) throws {
        let breaker = breaker(consecutive: 2)
        for status in statuses {
            breaker.record(try #require(breaker.permit(at: at(0))), status: status, now: at(0))
        }
        #expect(breaker.state == expected)
    }

    /// `state(now:)` shows an elapsed open period as half-open before any call; `state` waits for the next admit.
    @Test func stateAtInstant() {
        let breaker = breaker(consecutive: 1, open: .seconds(5))
        breaker.call(success: false, at: at(0))
        #expect(breaker.state(now: at(4.9)) == .open)
        #expect(breaker.state(now: at(5)) == .halfOpen)
        #expect(breaker.state == .open)
    }

    /// The metrics gauge encodes closed, open and half-open as 0, 1 and 2.
    @Test(arguments: [(CircuitBreaker.State.closed, 0.0), (.open, 1.0), (.halfOpen, 2.0)])
    func gaugeValues(_ state: CircuitBreaker.State, _ value: Double) {
        #expect(state.gaugeValue == value)
    }

    /// Many tasks admitting and recording at once lose no count: with the threshold at exactly
    /// the number of failures they report, every call is admitted and the breaker opens on the last.
    @Test func concurrentUse() async {
        let tasks = 32, callsPerTask = 500
        let breaker = CircuitBreaker(config: CircuitBreakerConfig(consecutiveFailures: tasks * callsPerTask, minimumCalls: 1_000_000))
        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    var admitted = 0
                    for _ in 0..<callsPerTask {
                        guard case .allowed(let permit) = breaker.admit() else { continue }
                        admitted += 1
                        breaker.record(permit, success: false)
                    }
                    return admitted
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == tasks * callsPerTask)
        #expect(breaker.state == .open, "every one of the \(tasks * callsPerTask) failures was counted")
    }
}
