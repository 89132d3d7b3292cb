import Testing
import GatewayCore

struct ResilienceRetryPolicyTests {
    /// Only failures of the connect phase, where no request was sent, may be retried.
    @Test(arguments: [
        (TransferFailure.connectionRefused, true), (.connectTimedOut, true), (.hostNotFound, true),
        (.timedOut, false), (.closedWithoutResponse, false), (.connectionReset, false), (.tlsFailed, false),
        (.responseTooLarge, false), (.other("weird"), false),
    ])
    func retryableFailures(_ failure: TransferFailure, _ retryable: Bool) {
        #expect(RetryPolicy.isRetryable(failure) == retryable)
    }

    /// The backoff cap doubles per attempt from the base and stops at the maximum.
    @Test(arguments: [(1, 25), (2, 50), (3, 100), (4, 200), (5, 250), (6, 250), (40, 250), (1000, 250)])
    func backoffCap(_ attempt: Int, _ milliseconds: Int) {
        #expect(RetryPolicy().backoffCap(attempt: attempt) == .milliseconds(milliseconds))
    }

    /// Jittered backoffs stay within `0...cap` and spread over that whole range.
    @Test(arguments: [1, 2, 3, 4, 8])
    func jitterBounds(_ attempt: Int) {
        let policy = RetryPolicy()
        let cap = policy.backoffCap(attempt: attempt)
        var random = SeededGenerator(state: UInt64(attempt))
        let samples = (0..<2000).map { _ in policy.backoff(attempt: attempt, random: &random) }
        #expect(samples.allSatisfy { $0 >= .zero && $0 <= cap })
        #expect(samples.min()! < cap / 10)
        #expect(samples.max()! > cap * 0.9)
    }

    /// A retry is made only for a retryable failure, within the retry budget, when its longest backoff ends before the deadline.
    @Test(arguments: [
        (1, TransferFailure.connectionRefused, 1000, true),
        (1, .connectionRefused, 26, true),
        (1, .connectionRefused, 25, false),          // remaining must exceed the backoff cap
        (1, .connectionRefused, 0, false),
        (1, .connectionRefused, -5, false),
        (2, .connectionRefused, 1000, false),        // beyond `retries`
        (1, .timedOut, 1000, false),
        (1, .closedWithoutResponse, 1000, false),
        (1, .hostNotFound, 1000, true),
        (1, .connectTimedOut, 1000, true),
        (0, .connectionRefused, 1000, false),
    ])
    func shouldRetry(_ attempt: Int, _ failure: TransferFailure, _ remainingMs: Int, _ expected: Bool) {
        #expect(RetryPolicy().shouldRetry(attempt: attempt, failure: failure, remaining: .milliseconds(remainingMs)) == expected)
    }

    /// With several retries the later attempts need more time left, and none are made with `retries: 0`.
    @Test(arguments: [(0, 1, 10_000, false), (3, 3, 101, true), (3, 3, 100, false), (3, 4, 10_000, false)])
    func retryBudget(_ retries: Int, _ attempt: Int, _ remainingMs: Int, _ expected: Bool) {
        let policy = RetryPolicy(retries: retries, baseBackoff: .milliseconds(25), maxBackoff: .milliseconds(250))
        #expect(policy.shouldRetry(attempt: attempt, failure: .connectionRefused, remaining: .milliseconds(remainingMs)) == expected)
    }

    /// `retryDelay` is `nil` where `shouldRetry` says no, and otherwise a backoff shorter than the time left.
    @Test func retryDelay() throws {
        let policy = RetryPolicy()
        var random = SeededGenerator(state: 7)
        #expect(policy.retryDelay(attempt: 1, failure: .timedOut, remaining: .seconds(1), random: &random) == nil)
        #expect(policy.retryDelay(attempt: 1, failure: .connectionRefused, remaining: .milliseconds(20), random: &random) == nil)
        let delay = try #require(policy.retryDelay(attempt: 1, failure: .connectionRefused, remaining: .milliseconds(30), random: &random))
        #expect(delay <= .milliseconds(25))
    }
}
