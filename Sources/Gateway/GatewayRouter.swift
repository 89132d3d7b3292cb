import GatewayCore
import GatewayJSON
import HTTPServer
import Synchronization

/// Maps HTTP requests to the gateway's routes. Every refusal is a `Problem`, sent as
/// problem+json; refusals of malformed input count against the sender's address.
public struct GatewayRouter: Sendable {
    let service: DossierService
    let lifecycle: Lifecycle
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

    init(service: DossierService, lifecycle: Lifecycle) {
        self.service = service
        self.lifecycle = lifecycle
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
        do {
            return .respond(try await route(request, requestID: requestID))
        } catch {
            if (400..<500).contains(error.status) {
                malformedGuard.recordMalformed(from: request.remoteAddress)
            }
            return .respond(.problem(error, requestID: requestID))
        }
    }

    private func route(_ request: HTTPRequest, requestID: String) async throws(Problem) -> HTTPResponse {
        let limits = service.config.limits
        let targetLength = request.path.utf8.count + request.query.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
        guard targetLength <= limits.maxURLBytes else { throw .uriTooLong(limit: limits.maxURLBytes) }
        guard !request.bodyExceededLimit else { throw .payloadTooLarge(limit: service.config.maxBodyBytes) }
        let path = request.path
        if path == "/healthz" {
            try Self.require("GET", request)
            return .json(JSON.object(["status": JSON("ok")]), status: 200, requestID: requestID)
        }
        if path.hasPrefix(Self.dossierPrefix), path.hasSuffix(Self.dossierSuffix),
           path.utf8.count > Self.dossierPrefix.utf8.count + Self.dossierSuffix.utf8.count {
            try Self.require("GET", request)
            let rawID = String(path.dropFirst(Self.dossierPrefix.count).dropLast(Self.dossierSuffix.count))
            return try await dossier(request, rawID: rawID, requestID: requestID)
        }
        throw .routeNotFound()
    }

    private static func require(_ method: String, _ request: HTTPRequest) throws(Problem) {
        guard request.method == method else { throw .methodNotAllowed(allowed: [method]) }
    }

    private func dossier(_ request: HTTPRequest, rawID: String, requestID: String) async throws(Problem) -> HTTPResponse {
        guard !lifecycle.isDraining else { throw .shuttingDown() }
        let client: ClientConfig
        switch authenticator.authenticate(authorization: request.header("Authorization")) {
        case .authenticated(let authenticated): client = authenticated
        case .missingCredentials: throw .unauthorized(keyWasPresented: false)
        case .unknownKey: throw .unauthorized(keyWasPresented: true)
        }
        guard let role = service.config.roles[client.role] else { throw .forbiddenRole(client.role) }
        _ = try Purpose.validated(request.header("X-Purpose"))
        guard let propertyID = PropertyID(rawID) else { throw .invalidPropertyID() }
        let requested = try SourceSelection.sources(named: request.queryValue("sources"), in: service.config)
        let access = try SourceAccess(requested: requested, role: role)
        let dossier = await service.dossier(for: propertyID, access: access, role: role, requestID: requestID)
        return .json(dossier.json(), status: dossier.httpStatus, requestID: requestID,
                     headers: [("X-Dossier-Complete", dossier.isComplete ? "true" : "false")])
    }
}
