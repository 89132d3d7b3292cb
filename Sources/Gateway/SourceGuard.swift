import GatewayCore

/// One department's protection: its circuit breaker and its bulkhead. Kept across config
/// reloads while the source's settings for them stay the same, so a reload does not forget
/// that a department is down.
final class SourceGuard: Sendable {
    let breaker: CircuitBreaker
    let bulkhead: Bulkhead
    let breakerConfig: CircuitBreakerConfig

    init(source: SourceConfig) {
        breakerConfig = source.circuitBreaker
        breaker = CircuitBreaker(config: source.circuitBreaker)
        bulkhead = Bulkhead(maxInFlight: source.maxInFlight)
    }

    /// `previous` if it still fits `source`, else a new guard.
    static func reusing(_ previous: SourceGuard?, for source: SourceConfig) -> SourceGuard {
        if let previous, previous.breakerConfig == source.circuitBreaker, previous.bulkhead.maxInFlight == source.maxInFlight {
            return previous
        }
        return SourceGuard(source: source)
    }
}
