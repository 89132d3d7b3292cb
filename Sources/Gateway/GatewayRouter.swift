import AuditLog
import GatewayCore
import GatewayJSON
import HTTPServer
import Synchronization

/// Maps HTTP requests to the gateway's routes. Every refusal is a `Problem`, sent as
/// problem+json; refusals of malformed input count against the sender's address. Every
/// answer of the dossier route is audited before it is sent.
public struct GatewayRouter: Sendable {
    let service: DossierService
    let lifecycle: Lifecycle
    let auditLog: AuditLog
    let authenticator: Authenticator
    let malformedGuard: MalformedRequestGuard

    /// Whether the gateway still takes new dossier requests.
    final class Lifecycle: Sendable {
        private let draining = Atomic(false)

        var isDraining: Bool { draining.load(ordering: .relaxed) }

        func beginDraining() {
            draining.store(true, ordering: .relaxed)
        }
    }

    init(service: DossierService, lifecycle: Lifecycle, auditLog: AuditLog) {
        self.service = service
        self.lifecycle = lifecycle
        self.auditLog = auditLog
        authenticator = Authenticator(clients: service.config.clients)
        malformedGuard = MalformedRequestGuard(limits: service.config.limits)
    }

    static let dossierPrefix = "/v1/properties/"
    static let dossierSuffix = "/dossier"

    public func handle(_ request: HTTPRequest) async -> HTTPReply {
        let requestID = RequestID.accepted(request.header("X-Request-Id")) ?? RequestID.generate()
        if let retryAfter = malformedGuard.retryAfter(for: request.remoteAddress) {
            return .respond(.problem(.tooManyMalformedRequests(retryAfterSeconds: retryAfter), requestID: requestID))
        }
        return .respond(await route(request, requestID: requestID))
    }

    private func route(_ request: HTTPRequest, requestID: String) async -> HTTPResponse {
        let limits = service.config.limits
        let targetLength = request.path.utf8.count + request.query.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        guard targetLength <= limits.maxURLBytes else { return refuse(.uriTooLong(limit: limits.maxURLBytes), request, requestID) }
        guard !request.bodyExceededLimit else { return refuse(.payloadTooLarge(limit: service.config.maxBodyBytes), request, requestID) }
        let path = request.path
        switch path {
        case "/healthz", "/readyz":
            guard request.method == "GET" else { return refuse(.methodNotAllowed(allowed: ["GET"]), request, requestID) }
            return path == "/healthz" ? .json(JSON.object(["status": JSON("ok")]), status: 200, requestID: requestID) : readiness(requestID)
        case _ where path.hasPrefix(Self.dossierPrefix) && path.hasSuffix(Self.dossierSuffix)
            && path.utf8.count > Self.dossierPrefix.utf8.count + Self.dossierSuffix.utf8.count:
            guard request.method == "GET" else { return refuse(.methodNotAllowed(allowed: ["GET"]), request, requestID) }
            let rawID = String(path.dropFirst(Self.dossierPrefix.count).dropLast(Self.dossierSuffix.count))
            return await auditedDossier(request, rawID: rawID, requestID: requestID)
        default:
            return refuse(.routeNotFound(), request, requestID)
        }
    }

    /// A problem answer; 4xx ones cost the sender a token of its malformed-request budget.
    private func refuse(_ problem: Problem, _ request: HTTPRequest, _ requestID: String) -> HTTPResponse {
        if (400..<500).contains(problem.status) {
            malformedGuard.recordMalformed(from: request.remoteAddress)
        }
        return .problem(problem, requestID: requestID)
    }

    /// Ready when not draining and the audit log can be written.
    private func readiness(_ requestID: String) -> HTTPResponse {
        let auditWritable = auditLog.isWritable, draining = lifecycle.isDraining
        let ready = auditWritable && !draining
        return .json(JSON.object(["status": JSON(ready ? "ready" : "not ready"),
                                  "audit": JSON(auditWritable ? "writable" : "unavailable"),
                                  "draining": JSON(draining)]),
                     status: ready ? 200 : 503, requestID: requestID)
    }

    /// The dossier route: its answer, whatever it is, is audited first; if the audit record
    /// cannot be made durable the caller gets 503 and no data.
    private func auditedDossier(_ request: HTTPRequest, rawID: String, requestID: String) async -> HTTPResponse {
        let started = ContinuousClock.now
        let trace = TraceContext(traceparent: request.header("traceparent"))
        var record = AuditEntry(time: .now(), requestID: requestID, clientID: nil, role: nil, purpose: nil,
                                propertyID: PropertyID(rawID)?.rawValue, sources: [], httpStatus: 0, latencyMs: 0,
                                remoteAddress: request.remoteAddress, traceID: trace.traceID)
        var response: HTTPResponse
        do {
            response = try await dossier(request, rawID: rawID, requestID: requestID, trace: trace, record: &record)
        } catch {
            response = refuse(error, request, requestID)
        }
        response.headers.append(("traceparent", trace.traceparent))
        record.httpStatus = response.status
        record.latencyMs = started.duration(to: .now).wholeMilliseconds
        do {
            try await auditLog.append(record)
        } catch {
            EventLog.error("audit record not written", ["request_id": requestID, "reason": error.description])
            return .problem(.auditUnavailable(), requestID: requestID)
        }
        return response
    }

    private func dossier(_ request: HTTPRequest, rawID: String, requestID: String, trace: TraceContext,
                         record: inout AuditEntry) async throws(Problem) -> HTTPResponse {
        guard !lifecycle.isDraining else { throw .shuttingDown() }
        let client: ClientConfig
        switch authenticator.authenticate(authorization: request.header("Authorization")) {
        case .authenticated(let authenticated): client = authenticated
        case .missingCredentials: throw .unauthorized(keyWasPresented: false)
        case .unknownKey: throw .unauthorized(keyWasPresented: true)
        }
        record.clientID = client.id
        guard let role = service.config.roles[client.role] else { throw .forbiddenRole(client.role) }
        record.role = role.name
        record.purpose = try Purpose.validated(request.header("X-Purpose"))
        guard let propertyID = PropertyID(rawID) else { throw .invalidPropertyID() }
        let requested = try SourceSelection.sources(named: request.queryValue("sources"), in: service.config)
        let access = try SourceAccess(requested: requested, role: role)
        let dossier = await service.dossier(for: propertyID, access: access, role: role, requestID: requestID, trace: trace)
        record.sources = dossier.sources.map { AuditEntry.SourceResult(name: $0.name, status: $0.outcome.status, latencyMs: $0.outcome.latencyMs) }
        return .json(dossier.json(), status: dossier.httpStatus, requestID: requestID,
                     headers: [("X-Dossier-Complete", dossier.isComplete ? "true" : "false")])
    }
}
