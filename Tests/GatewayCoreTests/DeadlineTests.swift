import GatewayCore
import Testing

/// The one deadline rule: how long a call may take, whether a timeout was the deadline's doing,
/// and until when starting work is worth it.
struct DeadlineTests {
    private static let start = ContinuousClock.now

    /// Work that needs `setup` may start until `setup` before the deadline, never more than 100 ms before.
    @Test(arguments: [(300, 100), (100, 100), (50, 50), (0, 0)])
    func lastUsefulStartKeepsOneAllowance(_ setupMs: Int, _ beforeMs: Int) {
        let deadline = Deadline(milliseconds: 1000, after: Self.start)
        #expect(deadline.lastUsefulStart(needing: .milliseconds(setupMs)) == Self.start + .milliseconds(1000 - beforeMs))
    }

    @Test func remainingStopsAtZero() {
        let deadline = Deadline(milliseconds: 100, after: Self.start)
        #expect(deadline.remaining(at: Self.start + .milliseconds(40)) == .milliseconds(60))
        #expect(deadline.remaining(at: Self.start + .milliseconds(140)) == .zero)
        #expect(!deadline.hasPassed(at: Self.start + .milliseconds(99)))
        #expect(deadline.hasPassed(at: Self.start + .milliseconds(100)))
    }

    /// The dossier deadline ends the call only when it comes before the source's own timeout.
    @Test(arguments: [(1000, 1000, true), (1499, 1499, true), (1500, 1500, false), (3000, 1500, false)])
    func endIsTheEarlierLimit(_ deadlineMs: Int, _ endMs: Int, _ byDeadline: Bool) {
        let limits = CallLimits(timeoutMs: 1500, connectTimeoutMs: 300, deadline: Deadline(milliseconds: deadlineMs, after: Self.start), from: Self.start)
        #expect(limits.end == Deadline(milliseconds: endMs, after: Self.start))
        #expect(limits.endIsDossierDeadline == byDeadline)
        #expect(CallLimits(timeoutMs: 1500, connectTimeoutMs: 300, deadline: nil, from: Self.start).endIsDossierDeadline == false)
    }

    /// An attempt that starts later (a call made again for those who joined one cut short) keeps
    /// the call's end; once less than the connect timeout is left, the end bounds the connect too.
    @Test(arguments: [(0, 1000, 300, false), (400, 600, 300, false), (800, 200, 200, true)])
    func laterAttemptKeepsTheEnd(_ startedAfterMs: Int, _ timeoutMs: Int, _ connectMs: Int, _ connectByDeadline: Bool) {
        let limits = CallLimits(timeoutMs: 1500, connectTimeoutMs: 300, deadline: Deadline(milliseconds: 1000, after: Self.start), from: Self.start)
        let timeouts = limits.timeouts(at: Self.start + .milliseconds(startedAfterMs))
        #expect(timeouts == TransferTimeouts(timeoutMs: timeoutMs, connectTimeoutMs: connectMs, timeoutSetByDeadline: true,
                                             connectTimeoutSetByDeadline: connectByDeadline))
    }

    /// libcurl takes whole milliseconds: what is left is rounded up, so no call ends before its
    /// end, and never to 0, which libcurl reads as no limit.
    @Test func millisecondsRoundUpToAtLeastOne() {
        let limits = CallLimits(timeoutMs: 1500, connectTimeoutMs: 300, deadline: Deadline(Self.start + .microseconds(10_300)), from: Self.start)
        #expect(limits.timeouts(at: Self.start).timeoutMs == 11)
        #expect(limits.timeouts(at: Self.start + .milliseconds(20)).timeoutMs == 1)
    }

    /// A call made again must be able to connect before its end, by the same allowance.
    @Test(arguments: [(300, 101, true), (300, 100, false), (50, 51, true), (50, 50, false)])
    func attemptAllowedUntilLastUsefulStart(_ connectMs: Int, _ beforeEndMs: Int, _ allowed: Bool) {
        let limits = CallLimits(timeoutMs: 1000, connectTimeoutMs: connectMs, deadline: nil, from: Self.start)
        #expect(limits.allowsAttempt(at: Self.start + .milliseconds(1000 - beforeEndMs)) == allowed)
    }

    /// Only a timeout of a limit the deadline set is the deadline's doing.
    @Test func onlyTheDeadlinesOwnTimeoutIsCutByIt() {
        let both = TransferTimeouts(timeoutMs: 200, connectTimeoutMs: 200, timeoutSetByDeadline: true, connectTimeoutSetByDeadline: true)
        let total = TransferTimeouts(timeoutMs: 600, connectTimeoutMs: 300, timeoutSetByDeadline: true)
        let own = TransferTimeouts(timeoutMs: 1500, connectTimeoutMs: 300)
        #expect(both.cutByDeadline(.timedOut) && both.cutByDeadline(.connectTimedOut))
        #expect(total.cutByDeadline(.timedOut) && !total.cutByDeadline(.connectTimedOut))
        #expect(!own.cutByDeadline(.timedOut) && !own.cutByDeadline(.connectTimedOut))
        #expect(!both.cutByDeadline(.connectionRefused) && !both.cutByDeadline(.closedWithoutResponse))
    }
}
