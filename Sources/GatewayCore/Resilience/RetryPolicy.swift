/// When a failed upstream call is tried again: only failures of the connect phase (the request
/// never reached the department, so repeating it cannot repeat its effects), at most `retries`
/// times, after a backoff with full jitter, and never past the dossier's deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Calls after the first; 0 turns retries off.
    public var retries: Int
    /// The backoff before the first retry is drawn from `0...baseBackoff`; it doubles per retry...
    public var baseBackoff: Duration
    /// ...up to this cap.
    public var maxBackoff: Duration

    public init(retries: Int = 1, baseBackoff: Duration = .milliseconds(25), maxBackoff: Duration = .milliseconds(250)) {
        self.retries = retries
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// Whether a call that failed this way may be repeated: `connectionRefused`, `connectTimedOut`
    /// and `hostNotFound`, where no request was sent. Not `closedWithoutResponse` or
    /// `connectionReset` (the request may have been received, e.g. on a reused connection),
    /// timeouts after connecting, TLS failures (a configuration problem), or oversized answers.
    public static func isRetryable(_ failure: TransferFailure) -> Bool {
        switch failure {
        case .connectionRefused, .connectTimedOut, .hostNotFound: true
        case .timedOut, .closedWithoutResponse, .connectionReset, .tlsFailed, .responseTooLarge, .other: false
        }
    }

    /// The longest backoff before retry number `attempt` (1 for the first retry):
    /// `min(maxBackoff, baseBackoff × 2^(attempt-1))`.
    public func backoffCap(attempt: Int) -> Duration {
        precondition(attempt >= 1, "retry attempts count from 1")
        let doubled = baseBackoff * (1 << min(attempt - 1, 32))
        return min(maxBackoff, doubled)
    }

    /// The wait before retry number `attempt` (1 for the first retry): uniform in
    /// `0...backoffCap(attempt:)` ("full jitter"), so retries of many dossiers spread out.
    public func backoff(attempt: Int, random: inout some RandomNumberGenerator) -> Duration {
        backoffCap(attempt: attempt) * Double.random(in: 0...1, using: &random)
    }

    /// Whether to make retry number `attempt` (1 for the first retry) after `failure`, with
    /// `remaining` left before the deadline: the failure is retryable, `attempt ≤ retries`, and the
    /// longest backoff for it ends before the deadline (`remaining > backoffCap(attempt:)`).
    public func shouldRetry(attempt: Int, failure: TransferFailure, remaining: Duration) -> Bool {
        attempt >= 1 && attempt <= retries && Self.isRetryable(failure) && remaining > backoffCap(attempt: attempt)
    }

    /// `shouldRetry` and `backoff` in one: the wait before retry `attempt`, or `nil` for no retry.
    public func retryDelay(attempt: Int, failure: TransferFailure, remaining: Duration,
                           random: inout some RandomNumberGenerator) -> Duration? {
        guard shouldRetry(attempt: attempt, failure: failure, remaining: remaining) else { return nil }
        return backoff(attempt: attempt, random: &random)
    }
}
