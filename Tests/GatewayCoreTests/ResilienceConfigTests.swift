import Testing
import GatewayJSON
@testable import GatewayCore

/// Parses `text` as the config section at key path `path` with `Section`'s known keys, as `GatewayConfig` would.
private func section(_ text: String, knownKeys: Set<String>, path: String = "section") throws -> ConfigObject {
    try ConfigObject(JSON.parse(text), path: path, knownKeys: knownKeys)
}

private func breakerConfig(_ text: String) throws -> CircuitBreakerConfig {
    try CircuitBreakerConfig(object: section(text, knownKeys: CircuitBreakerConfig.knownKeys))
}

private func retryPolicy(_ text: String) throws -> RetryPolicy {
    try RetryPolicy(object: section(text, knownKeys: RetryPolicy.knownKeys))
}

private func rateLimit(_ text: String) throws -> RateLimit {
    try RateLimit(object: section(text, knownKeys: RateLimit.knownKeys))
}

/// The `ConfigError` that parsing `text` throws, or `nil` if it parses.
private func error(_ parse: (String) throws -> some Any, _ text: String) -> ConfigError? {
    do {
        _ = try parse(text)
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

struct ResilienceConfigTests {
    /// An empty `circuit_breaker` section gives the documented defaults.
    @Test func breakerDefaults() throws {
        #expect(try breakerConfig("{}") == CircuitBreakerConfig())
        #expect(CircuitBreakerConfig() == CircuitBreakerConfig(consecutiveFailures: 5, failureRateThreshold: 0.5,
                                                               window: .seconds(10), minimumCalls: 20,
                                                               openDuration: .seconds(5), halfOpenProbes: 1))
    }

    /// Every breaker key is read, in its unit; `failure_rate` takes reals and integers.
    @Test func breakerAllKeys() throws {
        let config = try breakerConfig("""
            {"consecutive_failures": 3, "failure_rate": 0.25, "window_s": 30, "minimum_calls": 7, "open_s": 2, "half_open_probes": 4}
            """)
        #expect(config == CircuitBreakerConfig(consecutiveFailures: 3, failureRateThreshold: 0.25, window: .seconds(30),
                                               minimumCalls: 7, openDuration: .seconds(2), halfOpenProbes: 4))
        #expect(try breakerConfig(#"{"failure_rate": 1}"#).failureRateThreshold == 1)
    }

    /// Bad breaker values are rejected with their key path.
    @Test(arguments: [
        (#"{"consecutive_failures": 0}"#, "section.consecutive_failures"),
        (#"{"consecutive_failures": 2.5}"#, "section.consecutive_failures"),
        (#"{"failure_rate": 0}"#, "section.failure_rate"),
        (#"{"failure_rate": 1.5}"#, "section.failure_rate"),
        (#"{"failure_rate": "half"}"#, "section.failure_rate"),
        (#"{"window_s": 0}"#, "section.window_s"),
        (#"{"minimum_calls": -1}"#, "section.minimum_calls"),
        (#"{"open_s": 0}"#, "section.open_s"),
        (#"{"half_open_probes": 0}"#, "section.half_open_probes"),
        (#"{"open_ms": 100}"#, "section.open_ms"),
    ])
    func breakerRejects(_ text: String, _ path: String) {
        #expect(error(breakerConfig, text)?.path == path)
    }

    /// An empty `retry` section gives the documented defaults.
    @Test func retryDefaults() throws {
        #expect(try retryPolicy("{}") == RetryPolicy(retries: 1, baseBackoff: .milliseconds(25), maxBackoff: .milliseconds(250)))
    }

    /// Retry keys are read in milliseconds; the cap defaults to at least the base.
    @Test(arguments: [
        (#"{"retries": 0}"#, RetryPolicy(retries: 0)),
        (#"{"retries": 3, "backoff_ms": 10, "max_backoff_ms": 80}"#, RetryPolicy(retries: 3, baseBackoff: .milliseconds(10), maxBackoff: .milliseconds(80))),
        (#"{"backoff_ms": 400}"#, RetryPolicy(baseBackoff: .milliseconds(400), maxBackoff: .milliseconds(400))),
        (#"{"backoff_ms": 0, "max_backoff_ms": 0}"#, RetryPolicy(baseBackoff: .zero, maxBackoff: .zero)),
    ])
    func retryValues(_ text: String, _ expected: RetryPolicy) throws {
        #expect(try retryPolicy(text) == expected)
    }

    /// Bad retry values are rejected with their key path.
    @Test(arguments: [
        (#"{"retries": -1}"#, "section.retries"),
        (#"{"retries": 11}"#, "section.retries"),
        (#"{"backoff_ms": 1.5}"#, "section.backoff_ms"),
        (#"{"backoff_ms": 100, "max_backoff_ms": 50}"#, "section.max_backoff_ms"),
        (#"{"max_backoff": 50}"#, "section.max_backoff"),
    ])
    func retryRejects(_ text: String, _ path: String) {
        #expect(error(retryPolicy, text)?.path == path)
    }

    /// A rate limit needs a positive rate; the burst defaults to one second's worth, rounded up.
    @Test(arguments: [
        (#"{"requests_per_second": 20, "burst": 40}"#, RateLimit(requestsPerSecond: 20, burst: 40)),
        (#"{"requests_per_second": 20}"#, RateLimit(requestsPerSecond: 20, burst: 20)),
        (#"{"requests_per_second": 2.5}"#, RateLimit(requestsPerSecond: 2.5, burst: 3)),
        (#"{"requests_per_second": 0.1}"#, RateLimit(requestsPerSecond: 0.1, burst: 1)),
        (#"{"requests_per_second": 0.0002777777777777778}"#, RateLimit(requestsPerSecond: 1.0 / 3600, burst: 1)),
    ])
    func rateLimitValues(_ text: String, _ expected: RateLimit) throws {
        #expect(try rateLimit(text) == expected)
    }

    /// Bad rate limits are rejected with their key path and problem.
    @Test(arguments: [
        ("{}", "section.requests_per_second", "is required"),
        (#"{"requests_per_second": 0}"#, "section.requests_per_second", "must be at least 1/3600 (one request an hour)"),
        (#"{"requests_per_second": 1e-20}"#, "section.requests_per_second", "must be at least 1/3600 (one request an hour)"),
        (#"{"requests_per_second": 0.00027}"#, "section.requests_per_second", "must be at least 1/3600 (one request an hour)"),
        (#"{"requests_per_second": -3}"#, "section.requests_per_second", "must be between 0 and 1000000, not -3"),
        (#"{"requests_per_second": "fast"}"#, "section.requests_per_second", "must be a number"),
        (#"{"requests_per_second": 5, "burst": 0}"#, "section.burst", "must be between 1 and 1000000, not 0"),
        (#"{"requests_per_second": 5, "rps": 5}"#, "section.rps", nil),
    ])
    func rateLimitRejects(_ text: String, _ path: String, _ problem: String?) {
        let error = error(rateLimit, text)
        #expect(error?.path == path)
        if let problem { #expect(error?.problem == problem) }
    }
}
