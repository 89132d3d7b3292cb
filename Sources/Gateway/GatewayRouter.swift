import AuditLog
import GatewayCore
import GatewayCrypto
import GatewayJSON
import HTTPServer
import Synchronization

/// Maps HTTP requests to the gateway's routes. Every refusal is a `Problem`, sent as
/// problem+json; refusals of malformed input count against the sender's address. Every
/// answer of the dossier route is audited before it is sent.
struct GatewayRouter: Sendable {
    let runtime: RuntimeHolder
    let lifecycle: Lifecycle
    let auditLog: AuditLog
    /// `audit.witness_url`'s poster, when one is configured: its state shows in `/readyz`.
    let witness: AuditWitnessPoster?
    let metrics: GatewayMetrics
    /// `server.trusted_proxies` (fixed at start, like the listener).
    let proxies: TrustedProxies
    /// The listener's per-address limit, shared with it: requests of clients behind trusted proxies count here.
    let connectionsPerAddress: AddressLimit

    /// Whether the gateway still takes new dossier requests.
    final class Lifecycle: Sendable {
        private let draining = Atomic(false)

        var isDraining: Bool { draining.load(ordering: .relaxed) }

        func beginDraining() {
            draining.store(true, ordering: .relaxed)
        }
    }

    static let dossierPrefix = "/v1/properties/"
    static let dossierSuffix = "/dossier"
    static let batchPath = "/v1/dossiers:batch"

    /// The routes, by the names metrics and logs use for them (never raw paths). Each one is
    /// documented in `Resources/openapi.yaml` under `pathTemplate`; a test keeps the two in step.
    enum Route: String, CaseIterable {
        case dossier, dossierBatch = "dossier_batch", console, consoleScript = "console_script", consoleStyle = "console_style"
        case consoleSettings = "console_settings", root
        case healthz, readyz, metrics, openapi, unknown

        /// The route's path as the OpenAPI document writes it; `nil` for paths no route serves.
        var pathTemplate: String? {
            switch self {
            case .dossier: GatewayRouter.dossierPrefix + "{property_id}" + GatewayRouter.dossierSuffix
            case .dossierBatch: GatewayRouter.batchPath
            case .console: ConsoleAssets.pagePath
            case .consoleScript: ConsoleAssets.scriptPath
            case .consoleStyle: ConsoleAssets.stylePath
            case .consoleSettings: ConsoleAssets.settingsPath
            case .root: "/"
            case .healthz: "/healthz"
            case .readyz: "/readyz"
            case .metrics: "/metrics"
            case .openapi: "/openapi.yaml"
            case .unknown: nil
            }
        }

        /// The methods the route answers; any other is `405` with these in `Allow`. `HEAD` is
        /// answered as `GET` (a dossier is fetched and audited all the same); the server sends
        /// its headers without the body.
        var methods: [String] {
            self == .dossierBatch ? ["POST"] : ["GET", "HEAD"]
        }
    }

    /// How a route answers: at once, on the event loop that read the request, or in a task on that
    /// loop (whatever is audited: the audit log's fsync is awaited).
    enum RouteAnswer {
        case now(HTTPResponse)
        case task(@Sendable () async -> HTTPResponse)
    }

    /// Decides on `received` on the event loop that read it (`HTTPExchangeHandler`): the address
    /// guards and the refusals and answers that need no waiting are done at once, with no task;
    /// what is audited runs in a task on that loop; a dossier request that must wait for admission
    /// waits with no task at all until its place is granted or refused (`openDossier`).
    func handle(_ received: HTTPRequest, exchange: HTTPExchange) {
        var request = received
        let requestID = RequestID.fromCaller(request.header("X-Request-Id")) ?? RequestID.generate()
        let current = runtime.runtime
        let route = Self.route(of: request.path)
        switch checkAddress(&request, route: route, runtime: current) {
        case .refused(let problem):
            let closing = Closing(requestMetrics: current.requestMetrics, route: route, requestID: requestID, counted: nil)
            closing.respond(refuseUnread(problem, request, route: route, requestID: requestID, runtime: current), to: request, on: exchange)
        case .passed(let countedKey):
            let closing = Closing(requestMetrics: current.requestMetrics, route: route, requestID: requestID,
                                  counted: countedKey.map { (connectionsPerAddress, $0) })
            answer(request, route: route, requestID: requestID, runtime: current, exchange: exchange, closing: closing)
        }
    }

    /// What every answer passes on its way out: the request counted and logged, and the client
    /// address counted for it (behind a trusted proxy) let go.
    struct Closing: Sendable {
        /// The runtime's counters of answers, pre-resolved per route and status.
        let requestMetrics: RequestMetrics
        let route: Route
        let requestID: String
        /// The limit that counts a forwarded client's requests, and that client's key in it.
        let counted: (limit: AddressLimit, key: String)?

        func callAsFunction(_ request: HTTPRequest, _ response: HTTPResponse) -> HTTPReply {
            if let counted { counted.limit.leave(counted.key) }
            requestMetrics.answered(route, status: response.status)
            if route != .healthz, route != .readyz, route != .metrics, route != .openapi {
                EventLog.debug("request", ["method": request.method, "route": route.rawValue, "status": String(response.status),
                                          "latency_ms": String(request.receivedAt.duration(to: .now).wholeMilliseconds),
                                          "request_id": requestID, "remote": request.remoteAddress])
            }
            return .respond(response)
        }

        /// Sends `answer`: at once, or from a task on the exchange's loop.
        func respond(_ answer: RouteAnswer, to request: HTTPRequest, on exchange: HTTPExchange) {
            switch answer {
            case .now(let response): exchange.reply(self(request, response))
            case .task(let work): exchange.run { self(request, await work()) }
            }
        }
    }

    /// What a request gets once the server no longer runs handlers (shutdown, past the drain):
    /// the draining 503 shutting-down problem, built on MHD's thread without waiting for
    /// anything, so it is counted but not audited (it carries no data).
    func refuseWhileStopping(_ request: HTTPRequest) -> HTTPResponse {
        let requestID = RequestID.fromCaller(request.header("X-Request-Id")) ?? RequestID.generate()
        metrics.recordRequest(route: Self.route(of: request.path).rawValue, status: Problem.shuttingDown().status)
        return .problem(.shuttingDown(), requestID: requestID)
    }

    /// What a connection gets whose request line and headers are overdue (`server.header_timeout_s`),
    /// written by the server on its sweeper: counted, not audited (there is no request to audit).
    func refuseHeaderTimeout(seconds: Int) -> HTTPResponse {
        metrics.recordRequest(route: Route.unknown.rawValue, status: 408)
        return .problem(.requestHeaderTimeout(seconds: seconds), requestID: RequestID.generate())
    }

    static func route(of path: String) -> Route {
        switch path {
        case "/healthz": .healthz
        case "/readyz": .readyz
        case "/metrics": .metrics
        case "/openapi.yaml": .openapi
        case batchPath: .dossierBatch
        case ConsoleAssets.pagePath: .console
        case ConsoleAssets.scriptPath: .consoleScript
        case ConsoleAssets.stylePath: .consoleStyle
        case ConsoleAssets.settingsPath: .consoleSettings
        case "/": .root
        case _ where path.hasPrefix(dossierPrefix) && path.hasSuffix(dossierSuffix)
            && path.utf8.count > dossierPrefix.utf8.count + dossierSuffix.utf8.count: .dossier
        default: .unknown
        }
    }

    private func answer(_ request: HTTPRequest, route: Route, requestID: String, runtime: GatewayRuntime, exchange: HTTPExchange,
                        closing: Closing) {
        if let problem = Self.malformation(of: request, route: route, config: runtime.config) {
            return closing.respond(refuseUnread(problem, request, route: route, requestID: requestID, runtime: runtime), to: request, on: exchange)
        }
        let response: HTTPResponse
        switch route {
        case .healthz:
            response = .json(JSON.object(["status": JSON("ok")]), status: 200, requestID: requestID)
        case .readyz:
            response = readiness(requestID, runtime: runtime)
        case .metrics:
            metrics.auditWritable.set(auditLog.isWritable ? 1 : 0)
            response = .document(Array(metrics.render().utf8), contentType: MetricsRegistry.contentType, requestID: requestID)
        case .openapi:
            response = .document(OpenAPIDocument.yaml, contentType: OpenAPIDocument.contentType, requestID: requestID)
        case .console:
            response = .console(ConsoleAssets.page, requestID: requestID)
        case .consoleScript:
            response = .console(ConsoleAssets.script, requestID: requestID)
        case .consoleStyle:
            response = .console(ConsoleAssets.style, requestID: requestID)
        case .consoleSettings:
            response = .json(ConsoleSettings.json(of: runtime.config), status: 200, requestID: requestID)
        case .root:
            response = .redirect(to: ConsoleAssets.pagePath, requestID: requestID)
        case .dossierBatch:
            return closing.respond(.task {
                metrics.requestsInFlight.increment()
                defer { metrics.requestsInFlight.decrement() }
                return await batch(request, requestID: requestID, runtime: runtime)
            }, to: request, on: exchange)
        case .dossier, .unknown:
            return openDossier(request, requestID: requestID, runtime: runtime, exchange: exchange, closing: closing)
        }
        exchange.reply(closing(request, response))
    }

    /// Headers the gateway reads one value of: a second one is refused, not ignored.
    static let singleHeaders = ["Authorization", "X-Purpose"]

    /// Why `request` is refused before its route reads it: framing that makes it unsafe to read
    /// (decided before its body was), a header sent twice that must be sent once, a target or body
    /// over the limits, no such route, or a method the route does not serve.
    private static func malformation(of request: HTTPRequest, route: Route, config: GatewayConfig) -> Problem? {
        if let defect = request.defect { return problem(for: defect, maxBodyBytes: config.maxBodyBytes) }
        for name in singleHeaders where request.headers.count(name) > 1 {
            return .duplicateHeader(name)
        }
        let targetLength = request.path.utf8.count + request.query.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        if targetLength > config.limits.maxURLBytes { return .uriTooLong(limit: config.limits.maxURLBytes) }
        if request.bodyExceededLimit { return .payloadTooLarge(limit: config.maxBodyBytes) }
        if route == .unknown { return .routeNotFound() }
        if !route.methods.contains(request.method) { return .methodNotAllowed(allowed: route.methods) }
        return nil
    }

    static func problem(for defect: RequestDefect, maxBodyBytes: Int) -> Problem {
        switch defect {
        case .contentLengthWithTransferEncoding: .ambiguousFraming("Content-Length and Transfer-Encoding must not be sent together")
        case .conflictingContentLengths: .ambiguousFraming("the Content-Length headers differ")
        case .transferEncodingInHTTP10: .ambiguousFraming("HTTP/1.0 has no Transfer-Encoding")
        case .unsupportedTransferEncoding: .unsupportedTransferEncoding()
        case .nulInTarget: .nulCharacter(in: "request target")
        case .nulInHeaderValue: .nulCharacter(in: "value of a header")
        case .foldedHeaderLine: .foldedHeaderLine()
        case .invalidHeaderName: .invalidHeaderName()
        case .contentLengthOverLimit: .payloadTooLarge(limit: maxBodyBytes)
        }
    }

    /// A problem answer; most 4xx ones cost the sender a token of its malformed-request budget
    /// (see `costsTheAddress`).
    func refuse(_ problem: Problem, _ request: HTTPRequest, _ requestID: String, _ runtime: GatewayRuntime) -> HTTPResponse {
        if costsTheAddress(problem, request, runtime: runtime) {
            runtime.malformedGuard.recordMalformed(from: AddressGuardKey.of(request.remoteAddress))
        }
        return .problem(problem, requestID: requestID)
    }

    /// Ready when not draining and the audit log can be written (and its disk does not hang); the
    /// detail names each source's circuit breaker state and, with `audit.witness_url`, the witness's.
    private func readiness(_ requestID: String, runtime: GatewayRuntime) -> HTTPResponse {
        let auditWritable = auditLog.isWritable, draining = lifecycle.isDraining
        let ready = auditWritable && !draining
        let breakers = JSON.object()
        for source in runtime.config.sources {
            breakers[source.name] = JSON(runtime.guards[source.name]?.breaker.state(now: .now).rawValue ?? "closed")
        }
        let detail = JSON.object(["status": JSON(ready ? "ready" : "not ready"),
                                  "config": JSON("loaded"),
                                  "audit": JSON(auditWritable ? "writable" : "unavailable"),
                                  "draining": JSON(draining),
                                  "circuit_breakers": breakers])
        // Shown, never a reason to be unready: a failing witness URL does not block dossiers.
        if let witness { detail["audit_witness"] = JSON(witness.status.rawValue) }
        return .json(detail, status: ready ? 200 : 503, requestID: requestID)
    }

    /// The dossier route, on the loop that read the request: who calls, for what and why are checked
    /// at once (`dossierOrder`); then a place among the dossiers in progress is taken, at once when
    /// one is free. Otherwise the request waits for one with no task (its connection suspended, a
    /// callback in the admission queue) until the last moment starting it is still of use
    /// (`lastUsefulStart`): under overload, waiting here keeps the CPU on dossiers that can still make
    /// their deadline. Its task starts with the place, or with the refusal. The answer, whatever it
    /// is, is audited first; if the audit record cannot be made durable the caller gets 503 and no data.
    private func openDossier(_ request: HTTPRequest, requestID: String, runtime: GatewayRuntime, exchange: HTTPExchange,
                             closing: Closing) {
        let rawID = String(request.path.dropFirst(Self.dossierPrefix.count).dropLast(Self.dossierSuffix.count))
        let trace = TraceContext(traceparent: request.header("traceparent"))
        var record = Self.auditRecord(of: request, requestID: requestID, trace: trace, propertyID: PropertyID(rawID)?.rawValue)
        let order: Result<DossierOrder, Problem>
        do throws(Problem) {
            order = .success(try dossierOrder(request, rawID: rawID, runtime: runtime, record: &record))
        } catch {
            order = .failure(error)
        }
        metrics.requestsInFlight.increment()
        let opened = record
        /// Starts the request's task: with a place among the dossiers in progress (`holdsPlace`), or
        /// to answer the refusal `outcome` holds.
        let start: @Sendable (Result<DossierOrder, Problem>, _ holdsPlace: Bool) -> Void = { outcome, holdsPlace in
            exchange.run {
                let response = await audited(request, requestID: requestID, trace: trace, record: opened, runtime: runtime) { record throws(Problem) in
                    defer { if holdsPlace { runtime.admission.release() } }
                    return try await dossier(outcome.get(), requestID: requestID, trace: trace, runtime: runtime, receivedAt: request.receivedAt,
                                             record: &record)
                }
                metrics.requestsInFlight.decrement()
                metrics.dossierDuration.observe(request.receivedAt.duration(to: .now))
                return closing(request, response)
            }
        }
        guard case .success = order else { return start(order, false) }
        let overloaded = Problem.overloaded(limit: runtime.admission.maxInFlight)
        let ticket = runtime.admission.acquire(deadline: Self.lastUsefulStart(from: request.receivedAt, runtime: runtime)) { granted in
            if !granted { metrics.overloadRefusals.increment() }
            start(granted ? order : .failure(overloaded), granted)
        }
        guard let ticket else { return }
        // Shutdown while it waits: it leaves the queue and is refused (audited), as a cancelled wait would be.
        exchange.onCancel {
            guard runtime.admission.withdraw(ticket) else { return }
            metrics.overloadRefusals.increment()
            start(.failure(overloaded), false)
        }
    }

    /// What a dossier request asks for, once its caller may have it.
    struct DossierOrder: Sendable {
        let propertyID: PropertyID
        let access: SourceAccess
        let role: RoleConfig
    }

    /// The checks a dossier request passes before it may take a place: the admission step, then its
    /// property id and the sources it asks for.
    private func dossierOrder(_ request: HTTPRequest, rawID: String, runtime: GatewayRuntime,
                              record: inout AuditEntry) throws(Problem) -> DossierOrder {
        let role = try admit(request, runtime: runtime, record: &record) { client throws(Problem) in
            try takeRateToken(client, runtime: runtime)
        }.role
        guard let propertyID = PropertyID(rawID) else { throw .invalidPropertyID() }
        let requested = try SourceSelection.sources(named: request.queryValue("sources"), in: runtime.config)
        return DossierOrder(propertyID: propertyID, access: try SourceAccess(requested: requested, role: role), role: role)
    }

    /// The audit record of `request` as it arrives: who calls, why and the outcome are filled in
    /// as the request is read and answered.
    static func auditRecord(of request: HTTPRequest, requestID: String, trace: TraceContext, propertyID: String? = nil) -> AuditEntry {
        AuditEntry(time: .now(), requestID: requestID, clientID: nil, role: nil, purpose: nil, propertyID: propertyID,
                   sources: [], httpStatus: 0, latencyMs: 0, remoteAddress: request.remoteAddress, traceID: trace.traceID)
    }

    /// Runs `answer` and audits its outcome, refusals included, before it is sent; if the record
    /// cannot be made durable the caller gets 503 and no data.
    func audited(_ request: HTTPRequest, requestID: String, trace: TraceContext, record: AuditEntry, runtime: GatewayRuntime,
                 _ answer: (inout AuditEntry) async throws(Problem) -> HTTPResponse) async -> HTTPResponse {
        var record = record
        var response: HTTPResponse
        do {
            response = try await answer(&record)
            // Cancelled: the drain ran out, and the server answers this connection 503 by itself,
            // so the record says 503 too and no data goes out.
            if Task.isCancelled { response = .problem(.shuttingDown(), requestID: requestID) }
        } catch {
            response = refuse(error, request, requestID, runtime)
        }
        response.headers.append(("traceparent", trace.traceparent))
        record.httpStatus = response.status
        record.latencyMs = request.receivedAt.duration(to: .now).wholeMilliseconds
        return await sealed(response, record: record, requestID: requestID, route: Self.route(of: request.path), runtime: runtime)
    }

    /// `response` once its record is durable, the record holding the SHA-256 of the exact body
    /// bytes sent (`body_sha256`), which the caller gets too, as `Content-Digest` (RFC 9530): a
    /// saved answer can then be proven against the log (`exchange-gateway dossier verify`).
    /// 503 and no data when the record cannot be written.
    func sealed(_ response: HTTPResponse, record: AuditEntry, requestID: String, route: Route, runtime: GatewayRuntime) async -> HTTPResponse {
        guard case .bytes(let body) = response.body else { preconditionFailure("an audited answer has its body in bytes") }
        var record = record, response = response
        let digest = Digest.sha256(body)
        record.bodySHA256 = digest
        response.headers.append(("Content-Digest", "sha-256=:\(Base64.encode(digest)):"))
        guard await writeAudit(record) else { return .problem(.auditUnavailable(), requestID: requestID) }
        noteClient(of: record, route: route, in: &response, runtime: runtime)
        return response
    }

    /// For a caller that was authenticated: counts the answer per client, and names the client
    /// and its role in the answer (`X-Client-Id`, `X-Client-Role`), which the console shows as
    /// "signed in as". The caller holds the key, so this tells it nothing it may not know.
    func noteClient(of record: AuditEntry, route: Route, in response: inout HTTPResponse, runtime: GatewayRuntime) {
        guard let client = record.clientID else { return }
        runtime.requestMetrics.answered(client: client, on: route, status: response.status)
        response.headers.append(("X-Client-Id", client))
        if let role = record.role { response.headers.append(("X-Client-Role", role)) }
    }

    /// Each section's status and latency, as the audit record keeps them (never its data).
    static func auditedSources(of dossier: Dossier) -> [AuditEntry.SourceResult] {
        dossier.sources.map { AuditEntry.SourceResult(name: $0.name, status: $0.outcome.status, latencyMs: $0.outcome.latencyMs) }
    }

    /// Makes `record` durable; `false` (and an error line) when it cannot be written, and then
    /// no data may be sent for it.
    func writeAudit(_ record: AuditEntry) async -> Bool {
        do {
            try await auditLog.append(record)
            return true
        } catch {
            if case .timedOut = error { metrics.auditAppendTimeouts.increment() }
            EventLog.error("audit record not written", ["request_id": record.requestID, "trace_id": record.traceID ?? "",
                                                        "reason": error.description])
            return false
        }
    }

    private func dossier(_ order: DossierOrder, requestID: String, trace: TraceContext, runtime: GatewayRuntime,
                         receivedAt: ContinuousClock.Instant, record: inout AuditEntry) async -> HTTPResponse {
        let dossier = await runtime.service.dossier(for: order.propertyID, access: order.access, role: order.role, requestID: requestID,
                                                    trace: trace, receivedAt: receivedAt)
        record.sources = Self.auditedSources(of: dossier)
        return .json(bytes: dossier.encoded(), status: dossier.httpStatus, requestID: requestID,
                     headers: [("X-Dossier-Complete", dossier.isComplete ? "true" : "false")])
    }

    /// The last moment a dossier that started at `start` is still worth starting, by the rule every
    /// start follows (a dossier needs up to half its deadline): admission waits until then.
    static func lastUsefulStart(from start: ContinuousClock.Instant, runtime: GatewayRuntime) -> ContinuousClock.Instant {
        let deadlineMs = runtime.config.deadlineMs
        return Deadline(milliseconds: deadlineMs, after: start).lastUsefulStart(needing: .milliseconds(deadlineMs / 2))
    }

    /// A place among the dossiers in progress (`limits.max_dossiers_in_progress`) for a dossier
    /// that started at `start` (a batch's item); `overloaded` without one. Give it back with
    /// `runtime.admission.release()`.
    func takeAdmissionPlace(from start: ContinuousClock.Instant, runtime: GatewayRuntime) async throws(Problem) {
        try await takePlace(in: runtime.admission, from: start, runtime: runtime, refusal: .overloaded(limit: runtime.admission.maxInFlight))
    }

    /// A place in `bulkhead` for work that started at `start`, waited for (by a batch's task) until
    /// `lastUsefulStart`; `refusal` (counted as an overload refusal) without one.
    func takePlace(in bulkhead: Bulkhead, from start: ContinuousClock.Instant, runtime: GatewayRuntime, refusal: Problem) async throws(Problem) {
        guard await bulkhead.acquire(deadline: Self.lastUsefulStart(from: start, runtime: runtime)) else {
            metrics.overloadRefusals.increment()
            throw refusal
        }
    }

    /// Who may have dossiers and why: what a single dossier and a batch both pass, in one order
    /// (README "Batch"): the client's key, the client's rate limit, the client's role, the
    /// request's purpose. Each step notes what it learns in `record`.
    struct Admission<Charged> {
        let client: ClientConfig
        let role: RoleConfig
        let purpose: String?
        /// What `charge` returned.
        let charged: Charged
    }

    /// The admission step. `charge` takes the rate-limit tokens, one per dossier asked for: a
    /// single dossier throws without its token; a batch reads its body to count its items, and
    /// those without a token are refused one by one.
    func admit<Charged>(_ request: HTTPRequest, runtime: GatewayRuntime, record: inout AuditEntry,
                        charge: (ClientConfig) throws(Problem) -> Charged) throws(Problem) -> Admission<Charged> {
        let client = try authenticate(request, runtime: runtime, record: &record)
        let charged = try charge(client)
        let role = try authorize(request, client: client, runtime: runtime, record: &record)
        return Admission(client: client, role: role, purpose: record.purpose, charged: charged)
    }

    /// Who calls: refuses while draining and without a valid key; notes the client in `record`.
    func authenticate(_ request: HTTPRequest, runtime: GatewayRuntime, record: inout AuditEntry) throws(Problem) -> ClientConfig {
        guard !lifecycle.isDraining else { throw .shuttingDown() }
        let client: ClientConfig
        switch runtime.authenticator.authenticate(authorization: request.header("Authorization")) {
        case .authenticated(let authenticated): client = authenticated
        case .missingCredentials: throw .unauthorized(keyWasPresented: false)
        case .unknownKey: throw .unauthorized(keyWasPresented: true)
        }
        record.clientID = client.id
        return client
    }

    /// One dossier's token of the client's rate limit.
    func takeRateToken(_ client: ClientConfig, runtime: GatewayRuntime) throws(Problem) {
        if case .limited(let retryAfter) = runtime.rateLimiter.take(client: client.id) {
            metrics.recordRateLimited(client: client.id)
            throw .rateLimited(retryAfterSeconds: retryAfter)
        }
    }

    /// The client's role and the request's purpose, both noted in `record` (the purpose with any personal data in it masked).
    func authorize(_ request: HTTPRequest, client: ClientConfig, runtime: GatewayRuntime, record: inout AuditEntry) throws(Problem) -> RoleConfig {
        guard let role = runtime.config.roles[client.role] else { throw .forbiddenRole(client.role) }
        record.role = role.name
        record.purpose = Purpose.audited(try Purpose.validated(request.header("X-Purpose")))
        return role
    }
}
