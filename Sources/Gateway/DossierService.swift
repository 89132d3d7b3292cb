import GatewayCore
import UpstreamClient

/// Builds dossiers. Every permitted source is called at once, each behind its circuit breaker
/// and bulkhead, bounded by its own timeout and the dossier deadline, retried only after
/// connect failures and only while the deadline allows; each answer is masked for the
/// caller's role before it joins the dossier. Forbidden sources are never called.
public struct DossierService: Sendable {
    public let config: GatewayConfig
    let client: UpstreamClient
    let guards: [String: SourceGuard]
    let metrics: GatewayMetrics

    init(config: GatewayConfig, client: UpstreamClient, guards: [String: SourceGuard], metrics: GatewayMetrics) {
        self.config = config
        self.client = client
        self.guards = guards
        self.metrics = metrics
    }

    /// A service with fresh breakers and bulkheads (the one-shot `dossier` command).
    public init(config: GatewayConfig, client: UpstreamClient, metrics: GatewayMetrics = GatewayMetrics()) {
        self.init(config: config, client: client,
                  guards: Dictionary(uniqueKeysWithValues: config.sources.map { ($0.name, SourceGuard(source: $0)) }), metrics: metrics)
    }

    /// A call that passed its breaker and bulkhead.
    private struct Call {
        let source: SourceConfig
        let sourceGuard: SourceGuard
        let permit: CircuitBreaker.Permit
    }

    /// - Parameter trace: each upstream call carries a child `traceparent` of it, and the request id.
    public func dossier(for propertyID: PropertyID, access: SourceAccess, role: RoleConfig, requestID: String,
                        trace: TraceContext) async -> Dossier {
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(config.deadlineMs)
        var byName: [String: SourceOutcome] = [:]
        for source in access.forbidden {
            byName[source.name] = .notCalled(.notPermitted, error: "role \(role.name) may not read this department's data")
        }
        var admitted: [Call] = []
        for source in access.permitted {
            let sourceGuard = guards[source.name]!
            switch sourceGuard.breaker.admit() {
            case .rejected(let retryAfter):
                byName[source.name] = .notCalled(.circuitOpen, error: "calls to this department are paused after repeated failures; next try in \(max(1, retryAfter.wholeMilliseconds / 1000)) s")
            case .allowed(let permit):
                admitted.append(Call(source: source, sourceGuard: sourceGuard, permit: permit))
            }
        }
        let holding = await Self.acquireBulkheads(for: admitted, deadline: deadline)
        var calls: [Call] = []
        for (call, holds) in zip(admitted, holding) {
            if holds {
                calls.append(call)
            } else {
                call.sourceGuard.breaker.abandon(call.permit)
                byName[call.source.name] = .notCalled(.unavailable, error: "the gateway already has \(call.source.maxInFlight) calls in flight to this department and none finished before the deadline")
            }
        }
        let outcomes = await fetchWithRetries(calls, propertyID: propertyID, deadline: deadline, requestID: requestID, trace: trace)
        for (call, outcome) in zip(calls, outcomes) {
            call.sourceGuard.bulkhead.release()
            if outcome.status == .timeout, started.duration(to: .now) >= .milliseconds(config.deadlineMs) {
                // The dossier deadline, not the department, cut this call short.
                call.sourceGuard.breaker.abandon(call.permit)
            } else {
                call.sourceGuard.breaker.record(call.permit, status: outcome.status)
            }
            byName[call.source.name] = outcome
        }
        let sections = config.sources.compactMap { source in byName[source.name].map { (source.name, $0) } }
        // The checks read the unmasked data, so they run before masking.
        let consistency = config.checks.evaluate(propertyID: propertyID, sections: sections)
        for (call, outcome) in zip(calls, outcomes) {
            if let data = outcome.data { Masking.apply(role.maskingPolicy(for: call.source.name), to: data) }
        }
        for (name, outcome) in sections where outcome.status != .notPermitted {
            metrics.recordSource(name, status: outcome.status, duration: outcome.status == .circuitOpen ? nil : .milliseconds(outcome.latencyMs))
        }
        return Dossier(propertyID: propertyID, requestID: requestID, generatedAt: .now(), sources: sections,
                       requiredSources: Set(config.sources.filter { $0.policy == .required }.map(\.name)), consistency: consistency)
    }

    /// Takes a bulkhead permit for every call: at once where one is free, else waiting (all
    /// together, so one full department does not hold up the others) until there is too little
    /// of the deadline left to make the call worth starting (the connect timeout, at most 100 ms).
    private static func acquireBulkheads(for calls: [Call], deadline: ContinuousClock.Instant) async -> [Bool] {
        var holding = calls.map { $0.sourceGuard.bulkhead.tryAcquire() }
        guard holding.contains(false) else { return holding }
        await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, call) in calls.enumerated() where !holding[index] {
                let lastUsefulStart = deadline - .milliseconds(min(100, call.source.connectTimeoutMs))
                group.addTask { (index, await call.sourceGuard.bulkhead.acquire(deadline: lastUsefulStart)) }
            }
            for await (index, acquired) in group { holding[index] = acquired }
        }
        return holding
    }

    /// Calls every source; those that failed to connect are called again after a jittered
    /// backoff while their retry policy and the deadline allow.
    private func fetchWithRetries(_ calls: [Call], propertyID: PropertyID, deadline: ContinuousClock.Instant,
                                  requestID: String, trace: TraceContext) async -> [SourceOutcome] {
        let started = ContinuousClock.now
        func requests(_ indices: [Int]) -> [UpstreamRequest] {
            let remaining = max(1, ContinuousClock.now.duration(to: deadline).wholeMilliseconds)
            return indices.map { index in
                calls[index].source.request(for: propertyID, remainingMs: remaining,
                                            headers: ["traceparent: \(trace.childTraceparent())", "X-Request-Id: \(requestID)"])
            }
        }
        var outcomes = await client.fetchAll(requests(Array(calls.indices)))
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            var delay = Duration.zero
            let retrying = calls.indices.filter { index in
                guard let failure = outcomes[index].transferFailure,
                      let backoff = calls[index].source.retry.retryDelay(attempt: attempt, failure: failure, remaining: remaining, random: &generator)
                else { return false }
                delay = max(delay, backoff)
                return true
            }
            guard !retrying.isEmpty else { break }
            try? await Task.sleep(for: delay)
            for (index, outcome) in zip(retrying, await client.fetchAll(requests(retrying))) {
                outcomes[index] = outcome
                outcomes[index].latencyMs = started.duration(to: .now).wholeMilliseconds
            }
            attempt += 1
        }
        return outcomes
    }
}
