/// What the transport says about one upstream call, facts only: what happened, the timeouts it ran
/// with and how long it took. `SourceOutcome(request:report:)` maps them to a source status.
public struct TransferReport: Sendable {
    public let result: TransferResult
    public let timeouts: TransferTimeouts
    public let elapsed: Duration

    public init(result: TransferResult, timeouts: TransferTimeouts, elapsed: Duration) {
        self.result = result
        self.timeouts = timeouts
        self.elapsed = elapsed
    }
}
