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

    /// - Parameters:
    ///   - trace: each upstream call carries a child `traceparent` of it, and the request id.
    ///   - receivedAt: when the request arrived; the deadline counts from here.
    public func dossier(for propertyID: PropertyID, access: SourceAccess, role: RoleConfig, requestID: String,
                        trace: TraceContext, receivedAt started: ContinuousClock.Instant) async -> Dossier {
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
        let fetched = await fetchWithinBulkheads(admitted, propertyID: propertyID, deadline: deadline, requestID: requestID, trace: trace)
        for (call, outcome) in zip(admitted, fetched) {
            guard let outcome else {
                call.sourceGuard.breaker.abandon(call.permit)
                byName[call.source.name] = .notCalled(.unavailable, error: "the gateway already has \(call.source.maxInFlight) calls in flight to this department and none finished before the deadline")
                continue
            }
            if outcome.endedByDeadline || (outcome.status == .timeout && started.duration(to: .now) >= .milliseconds(config.deadlineMs)) {
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
        for (name, outcome) in sections {
            if let data = outcome.data { Masking.apply(role.maskingPolicy(for: name), to: data) }
        }
        for (name, outcome) in sections where outcome.status != .notPermitted {
            metrics.recordSource(name, status: outcome.status, duration: outcome.status == .circuitOpen ? nil : .milliseconds(outcome.latencyMs))
        }
        return Dossier(propertyID: propertyID, requestID: requestID, generatedAt: .now(), sources: sections,
                       requiredSources: Set(config.sources.filter { $0.policy == .required }.map(\.name)), consistency: consistency)
    }

    /// Makes every call that gets a bulkhead permit; `nil` for a call that got none. Calls with a
    /// free permit start at once, together; each of the others starts as soon as its department
    /// frees a permit, so a full department neither holds up the others nor keeps their permits
    /// idle. A caller waits until there is too little of the deadline left to make the call worth
    /// starting (the connect timeout, at most 100 ms).
    private func fetchWithinBulkheads(_ calls: [Call], propertyID: PropertyID, deadline: ContinuousClock.Instant,
                                      requestID: String, trace: TraceContext) async -> [SourceOutcome?] {
        guard ContinuousClock.now < deadline else { return calls.map { _ in .deadlinePassedBeforeCall() } }
        let holding = calls.map { $0.sourceGuard.bulkhead.tryAcquire() }
        if !holding.contains(false) {
            return await fetchWithRetries(calls, propertyID: propertyID, deadline: deadline, requestID: requestID, trace: trace)
        }
        return await withTaskGroup(of: [(Int, SourceOutcome?)].self) { group in
            let ready = calls.indices.filter { holding[$0] }
            if !ready.isEmpty {
                group.addTask {
                    let outcomes = await fetchWithRetries(ready.map { calls[$0] }, propertyID: propertyID, deadline: deadline,
                                                          requestID: requestID, trace: trace)
                    return Array(zip(ready, outcomes.map(Optional.some)))
                }
            }
            for index in calls.indices where !holding[index] {
                let call = calls[index]
                group.addTask {
                    let lastUsefulStart = deadline - .milliseconds(min(100, call.source.connectTimeoutMs))
                    guard await call.sourceGuard.bulkhead.acquire(deadline: lastUsefulStart) else { return [(index, nil)] }
                    return [(index, await fetchWithRetries([call], propertyID: propertyID, deadline: deadline,
                                                           requestID: requestID, trace: trace)[0])]
                }
            }
            var outcomes = [SourceOutcome?](repeating: nil, count: calls.count)
            for await finished in group {
                for (index, outcome) in finished { outcomes[index] = outcome }
            }
            return outcomes
        }
    }

    /// Calls every source, whose bulkhead permits it holds and gives back as each call ends;
    /// those that failed to connect are called again after a jittered backoff while their retry
    /// policy and the deadline allow, and a permit is free at once.
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
        func fetch(_ indices: [Int]) async -> [SourceOutcome] {
            await client.fetchAll(requests(indices)) { position in calls[indices[position]].sourceGuard.bulkhead.release() }
        }
        var outcomes = await fetch(Array(calls.indices))
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
            let permitted = retrying.filter { calls[$0].sourceGuard.bulkhead.tryAcquire() }
            guard !permitted.isEmpty else { break }
            for (index, outcome) in zip(permitted, await fetch(permitted)) {
                outcomes[index] = outcome
                outcomes[index].latencyMs = started.duration(to: .now).wholeMilliseconds
            }
            attempt += 1
        }
        return outcomes
    }
}
