import GatewayCore
import GatewayJSON
import HTTPServer
import Synchronization

/// Maps HTTP requests to the gateway's routes; everything else is a problem+json answer.
public struct GatewayRouter: Sendable {
    let service: DossierService
    let lifecycle: Lifecycle

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
    }

    static let dossierPrefix = "/v1/properties/"
    static let dossierSuffix = "/dossier"

    public func handle(_ request: HTTPRequest) async -> HTTPReply {
        let requestID = RequestID.accepted(request.header("X-Request-Id")) ?? RequestID.generate()
        let response: HTTPResponse
        switch request.path {
        case "/healthz":
            response = request.method == "GET"
                ? .json(JSON.object(["status": JSON("ok")]), status: 200, requestID: requestID)
                : .problem(.methodNotAllowed(allowed: ["GET"]), requestID: requestID)
        case let path where path.hasPrefix(Self.dossierPrefix) && path.hasSuffix(Self.dossierSuffix)
            && path.utf8.count > Self.dossierPrefix.utf8.count + Self.dossierSuffix.utf8.count:
            response = request.method == "GET"
                ? await dossier(request, rawID: String(path.dropFirst(Self.dossierPrefix.count).dropLast(Self.dossierSuffix.count)), requestID: requestID)
                : .problem(.methodNotAllowed(allowed: ["GET"]), requestID: requestID)
        default:
            response = .problem(.routeNotFound(), requestID: requestID)
        }
        return .respond(response)
    }

    private func dossier(_ request: HTTPRequest, rawID: String, requestID: String) async -> HTTPResponse {
        if lifecycle.isDraining {
            return .problem(.shuttingDown(), requestID: requestID)
        }
        guard let propertyID = PropertyID(rawID) else {
            return .problem(.invalidPropertyID(), requestID: requestID)
        }
        let sources: [SourceConfig]
        do {
            sources = try SourceSelection.sources(named: request.queryValue("sources"), in: service.config)
        } catch {
            return .problem(error, requestID: requestID)
        }
        let dossier = await service.dossier(for: propertyID, from: sources, requestID: requestID)
        return .json(dossier.json(), status: dossier.httpStatus, requestID: requestID,
                     headers: [("X-Dossier-Complete", dossier.isComplete ? "true" : "false")])
    }
}
