extension CircuitBreakerConfig {
    static let knownKeys: Set<String> = ["consecutive_failures", "failure_rate", "window_s", "minimum_calls",
                                         "open_s", "half_open_probes"]

    /// Every key is optional; absent keys keep the defaults of `init()`.
    init(object: ConfigObject) throws(ConfigError) {
        consecutiveFailures = try object.integer("consecutive_failures", in: 1...1_000_000, default: 5)
        failureRateThreshold = try object.decimal("failure_rate", in: 0...1, default: 0.5)
        guard failureRateThreshold > 0 else {
            throw ConfigError(path: object.keyPath("failure_rate"), problem: "must be greater than 0 and at most 1")
        }
        window = .seconds(try object.integer("window_s", in: 1...3600, default: 10))
        minimumCalls = try object.integer("minimum_calls", in: 1...1_000_000, default: 20)
        openDuration = .seconds(try object.integer("open_s", in: 1...3600, default: 5))
        halfOpenProbes = try object.integer("half_open_probes", in: 1...10_000, default: 1)
    }
}
