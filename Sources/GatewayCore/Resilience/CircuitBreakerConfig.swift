/// When a source's circuit breaker opens, and for how long (one per source).
public struct CircuitBreakerConfig: Sendable, Equatable {
    /// Opens after this many failed calls in a row.
    public var consecutiveFailures: Int
    /// Opens when at least this share of the calls in `window` failed (0 < share ≤ 1)...
    public var failureRateThreshold: Double
    /// ...over this sliding window...
    public var window: Duration
    /// ...and the window holds at least this many calls, so a few early failures do not count as a rate.
    public var minimumCalls: Int
    /// Calls are refused for this long once open; then probes are let through.
    public var openDuration: Duration
    /// How many probe calls may be out at once while half-open.
    public var halfOpenProbes: Int

    public init(consecutiveFailures: Int = 5, failureRateThreshold: Double = 0.5, window: Duration = .seconds(10),
                minimumCalls: Int = 20, openDuration: Duration = .seconds(5), halfOpenProbes: Int = 1) {
        self.consecutiveFailures = consecutiveFailures
        self.failureRateThreshold = failureRateThreshold
        self.window = window
        self.minimumCalls = minimumCalls
        self.openDuration = openDuration
        self.halfOpenProbes = halfOpenProbes
    }
}
