import GatewayCore
import UpstreamClient

/// Builds dossiers. Every permitted source is called at once, each behind its circuit breaker
/// and bulkhead, bounded by its own timeout and the dossier deadline, retried only after
/// connect failures and only while the deadline allows; each answer is served through the
/// caller's role's view before it joins the dossier. Forbidden sources are never called.
public struct DossierService: Sendable {
    public let config: GatewayConfig
    let client: UpstreamClient
    let guards: [String: SourceGuard]
    /// Each source's preconfigured transfer handles.
    let templates: [String: SourceTemplate]
    let metrics: GatewayMetrics
    /// Each source's series, in config order.
    let sourceMetrics: [SourceMetrics]
    /// The schema drift already logged (once per source and path while this config is loaded).
    let drift = SchemaDrift()

    init(config: GatewayConfig, client: UpstreamClient, guards: [String: SourceGuard], templates: [String: SourceTemplate],
         metrics: GatewayMetrics) {
        self.config = config
        self.client = client
        self.guards = guards
        self.templates = templates
        self.metrics = metrics
        sourceMetrics = config.sources.map { metrics.source($0.name) }
    }

    /// A service with fresh breakers, bulkheads and templates (the one-shot `dossier` command).
    public init(config: GatewayConfig, client: UpstreamClient, metrics: GatewayMetrics = GatewayMetrics()) {
        self.init(config: config, client: client,
                  guards: Dictionary(uniqueKeysWithValues: config.sources.map { ($0.name, SourceGuard(source: $0)) }),
                  templates: Dictionary(uniqueKeysWithValues: config.sources.map { ($0.name, SourceTemplate(source: $0)) }),
                  metrics: metrics)
    }

    /// A call that passed its breaker and bulkhead.
    private struct Call {
        let source: SourceConfig
        let sourceGuard: SourceGuard
        let template: SourceTemplate
        let permit: CircuitBreaker.Permit
    }

    /// - Parameters:
    ///   - trace: each upstream call carries a child `traceparent` of it, and the request id.
    ///   - receivedAt: when the request arrived; the deadline counts from here.
    public func dossier(for propertyID: PropertyID, access: SourceAccess, role: RoleConfig, requestID: String,
                        trace: TraceContext, receivedAt started: ContinuousClock.Instant) async -> Dossier {
        let deadline = Deadline(milliseconds: config.deadlineMs, after: started)
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
                admitted.append(Call(source: source, sourceGuard: sourceGuard, template: templates[source.name]!, permit: permit))
            }
        }
        let fetched = await fetchWithinBulkheads(admitted, propertyID: propertyID, deadline: deadline, requestID: requestID, trace: trace,
                                                 role: role)
        for (call, outcome) in zip(admitted, fetched) {
            guard let outcome else {
                call.sourceGuard.breaker.abandon(call.permit)
                byName[call.source.name] = .notCalled(.unavailable, error: "the gateway already has \(call.source.maxInFlight) calls in flight to this department and none finished before the deadline")
                continue
            }
            if outcome.endedByDeadline {
                // The dossier deadline, not the department, cut this call short.
                call.sourceGuard.breaker.abandon(call.permit)
            } else {
                call.sourceGuard.breaker.record(call.permit, status: outcome.status)
            }
            byName[call.source.name] = outcome
        }
        let sections = config.sources.compactMap { source in byName[source.name].map { (name: source.name, outcome: $0) } }
        // The checks read the unmasked values captured while each body was served.
        let consistency = config.checks.evaluate(propertyID: propertyID, sections: sections)
        var series = sourceMetrics.startIndex
        for (name, outcome) in sections where outcome.status != .notPermitted {
            // Sections are in config order, as the series are.
            while sourceMetrics[series].source != name { series += 1 }
            noteDrift(of: outcome, source: name, counting: sourceMetrics[series])
            sourceMetrics[series].record(outcome.status, duration: outcome.status == .circuitOpen ? nil : .milliseconds(outcome.latencyMs))
        }
        return Dossier(propertyID: propertyID, requestID: requestID, generatedAt: .now(), sources: sections,
                       requiredSources: Set(config.sources.filter { $0.policy == .required }.map(\.name)), consistency: consistency)
    }

    /// Makes every call that gets a bulkhead permit; `nil` for a call that got none. Calls with a
    /// free permit start at once, together; each of the others starts as soon as its department
    /// frees a permit, so a full department neither holds up the others nor keeps their permits
    /// idle. A caller waits until there is too little of the deadline left to make the call worth
    /// starting (`Deadline.lastUsefulStart`). Calls that failed to connect are then made again
    /// while their retry policy and the deadline allow.
    private func fetchWithinBulkheads(_ calls: [Call], propertyID: PropertyID, deadline: Deadline,
                                      requestID: String, trace: TraceContext, role: RoleConfig) async -> [SourceOutcome?] {
        let started = ContinuousClock.now
        guard !deadline.hasPassed(at: started) else { return calls.map { _ in .deadlinePassedBeforeCall() } }
        let holding = calls.map { $0.sourceGuard.bulkhead.tryAcquire() }
        let readings = calls.map { call in
            SourceReading(view: role.view(for: call.source.name), captures: config.checks.captures(for: call.source.name))
        }
        let target = Target(propertyID: propertyID, deadline: deadline, requestIDLine: "X-Request-Id: " + requestID, trace: trace,
                            readings: readings)
        let outcomes: [SourceOutcome?]
        if !holding.contains(false) {
            outcomes = await fetch(Array(calls.indices), of: calls, target)
        } else {
            outcomes = await fetchAsPermitsAreGranted(calls, holding: holding, target)
        }
        return await retryingConnectFailures(calls, outcomes, since: started, target)
    }

    /// What every call of one dossier asks for, by when, and how its answer is read.
    private struct Target: Sendable {
        let propertyID: PropertyID
        let deadline: Deadline
        /// The request id's header line, the same for every call.
        let requestIDLine: String
        let trace: TraceContext
        /// Per call, the caller's view of its source and the values the checks capture there.
        let readings: [SourceReading]

        /// The call to `call`'s source, bounded by the deadline; it carries a child span of the
        /// trace and the request id.
        func upstreamCall(_ call: Call) -> UpstreamCall {
            UpstreamCall(request: call.source.request(for: propertyID, deadline: deadline,
                                                      headers: ["traceparent: " + trace.childTraceparent(), requestIDLine]),
                         template: call.template)
        }
    }

    /// Makes the calls at `indices`, whose permits are held and given back as each call ends.
    private func fetch(_ indices: [Int], of calls: [Call], _ target: Target) async -> [SourceOutcome] {
        let made = indices.map { target.upstreamCall(calls[$0]) }
        let reports = await client.transfer(made) { position in
            calls[indices[position]].sourceGuard.bulkhead.release()
        }
        return zip(indices, zip(made, reports)).map { index, call in
            SourceOutcome(request: call.0.request, report: call.1, reading: target.readings[index])
        }
    }

    /// Starts the calls that hold a permit at once and each of the others when its department
    /// grants one, and waits for them all on one continuation, not a task per waiting call.
    private func fetchAsPermitsAreGranted(_ calls: [Call], holding: [Bool], _ target: Target) async -> [SourceOutcome?] {
        let client = client
        @Sendable func start(_ indices: [Int], into gathering: CallGathering) {
            let made = indices.map { target.upstreamCall(calls[$0]) }
            client.start(made, whenEachEnds: { calls[indices[$0]].sourceGuard.bulkhead.release() }) { reports in
                gathering.finished(indices, requests: made.map(\.request), reports: reports)
            }
        }
        let answers = await withCheckedContinuation { continuation in
            let gathering = CallGathering(count: calls.count, continuation: continuation)
            let ready = calls.indices.filter { holding[$0] }
            if !ready.isEmpty { start(ready, into: gathering) }
            for index in calls.indices where !holding[index] {
                let lastUsefulStart = target.deadline.lastUsefulStart(needing: .milliseconds(calls[index].source.connectTimeoutMs))
                calls[index].sourceGuard.bulkhead.acquire(deadline: lastUsefulStart) { granted in
                    if granted { start([index], into: gathering) } else { gathering.refused(index) }
                }
            }
        }
        return answers.enumerated().map { index, answer in
            answer.map { SourceOutcome(request: $0.request, report: $0.report, reading: target.readings[index]) }
        }
    }

    /// Makes the calls that failed to connect again, after a jittered backoff, while their retry
    /// policy and the deadline allow and their department has a permit free at once.
    private func retryingConnectFailures(_ calls: [Call], _ first: [SourceOutcome?], since started: ContinuousClock.Instant,
                                         _ target: Target) async -> [SourceOutcome?] {
        var outcomes = first
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let remaining = target.deadline.remaining()
            var delay = Duration.zero
            let retrying = calls.indices.filter { index in
                guard let failure = outcomes[index]?.transferFailure,
                      let backoff = calls[index].source.retry.retryDelay(attempt: attempt, failure: failure, remaining: remaining, random: &generator)
                else { return false }
                delay = max(delay, backoff)
                return true
            }
            guard !retrying.isEmpty else { break }
            try? await Task.sleep(for: delay)
            let permitted = retrying.filter { calls[$0].sourceGuard.bulkhead.tryAcquire() }
            guard !permitted.isEmpty else { break }
            for (index, outcome) in zip(permitted, await fetch(permitted, of: calls, target)) {
                outcomes[index] = outcome
                outcomes[index]?.latencyMs = started.duration(to: .now).wholeMilliseconds
            }
            attempt += 1
        }
        return outcomes
    }
}
