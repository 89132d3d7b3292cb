import GatewayCore
import HTTPServer

extension GatewayRouter {
    /// The routes no address guard stands before: the probes and scrapers (they send well-formed
    /// requests, and must not fail because they share an address with a flood), and the documents
    /// anyone may read without a key, above all the console a clerk's browser loads without one
    /// (README "Security"). Each answers fixed or config-made content, which costs no more than a
    /// `429` would, so refusing it saves nothing and would lock every desk behind a shared address
    /// out of the console.
    static let unguardedRoutes: Set<Route> = [.healthz, .readyz, .metrics, .console, .consoleScript, .consoleStyle,
                                              .consoleSettings, .root, .openapi]

    /// What the guards of a request's client address decided.
    enum AddressCheck {
        case refused(Problem)
        /// Let through; `countedKey` is the forwarded client's key when one of its requests in
        /// progress is counted for this one (`connectionsPerAddress.leave` it once answered).
        case passed(countedKey: String?)
    }

    /// Lets `request` through once the guards of its client's address do, after replacing its
    /// `remoteAddress` by that client's address (README "Security"): behind a trusted proxy the
    /// right-most untrusted address of `X-Forwarded-For` / `Forwarded`, which the audit record names
    /// and the malformed-request guard and the per-address limit count under (an IPv6 client by its
    /// /64, `AddressGuardKey`). `unguardedRoutes` pass no guard. An address that sent too many
    /// malformed requests is refused `429`, unless the request presents a valid key (the client's
    /// own rate limit applies instead). A forwarded client with
    /// `server.per_ip_connection_limit` requests in progress is refused `429 too-many-connections`
    /// (its connections are the proxy's, which MHD does not count). Refusals of dossier requests
    /// are audited (`refuseUnread`).
    func checkAddress(_ request: inout HTTPRequest, route: Route, runtime: GatewayRuntime) -> AddressCheck {
        let peer = request.remoteAddress
        do {
            request.remoteAddress = try proxies.clientAddress(peer: peer, forwardedFor: request.headerValues("x-forwarded-for"),
                                                              forwarded: request.headerValues("forwarded"))
        } catch {
            return .refused(error)
        }
        if Self.unguardedRoutes.contains(route) { return .passed(countedKey: nil) }
        let key = AddressGuardKey.of(request.remoteAddress)
        if let retryAfter = runtime.malformedGuard.retryAfter(for: key), !presentsValidKey(request, runtime: runtime) {
            return .refused(.tooManyMalformedRequests(retryAfterSeconds: retryAfter))
        }
        guard proxies.isTrusted(peer) else { return .passed(countedKey: nil) }
        guard connectionsPerAddress.tryEnter(key) else {
            return .refused(.tooManyConnections(limit: connectionsPerAddress.limit))
        }
        return .passed(countedKey: key)
    }

    /// A refusal decided before the route reads the request: audited on the dossier routes, like
    /// every answer there (so in a task, which awaits the record's fsync); at once on the others.
    func refuseUnread(_ problem: Problem, _ request: HTTPRequest, route: Route, requestID: String,
                      runtime: GatewayRuntime) -> RouteAnswer {
        guard route == .dossier || route == .dossierBatch else { return .now(refuse(problem, request, requestID, runtime)) }
        let trace = TraceContext(traceparent: request.header("traceparent"))
        let record = Self.auditRecord(of: request, requestID: requestID, trace: trace)
        return .task {
            await audited(request, requestID: requestID, trace: trace, record: record, runtime: runtime) { _ throws(Problem) in
                throw problem
            }
        }
    }

    /// Whether a refusal of `problem` costs the request's address a token of its malformed-request
    /// budget: a 4xx other than rate limiting, from a client that presents no valid key (a known
    /// client is rate-limited by its key) and is not a trusted proxy itself (whose address every
    /// client behind it shares).
    func costsTheAddress(_ problem: Problem, _ request: HTTPRequest, runtime: GatewayRuntime) -> Bool {
        (400..<500).contains(problem.status) && problem.status != 429 && !proxies.isTrusted(request.remoteAddress)
            && !presentsValidKey(request, runtime: runtime)
    }

    private func presentsValidKey(_ request: HTTPRequest, runtime: GatewayRuntime) -> Bool {
        if case .authenticated = runtime.authenticator.authenticate(authorization: request.header("Authorization")) { return true }
        return false
    }
}
