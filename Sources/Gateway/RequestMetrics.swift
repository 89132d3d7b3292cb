import GatewayCore

/// The series every request updates, resolved when a config is loaded: each route's answers by
/// status, and each configured client's answers on the dossier routes. Counting an answer is then
/// an atomic add. A reload resolves them again for the new clients; a series already counted is
/// the same series after it (the family keeps it), so nothing is lost, and the handles of a
/// client that is gone go with the runtime that held them.
struct RequestMetrics: Sendable {
    private static let routes = GatewayRouter.Route.allCases

    /// `exchange_gateway_http_requests_total{route,status}`, in `Route.allCases` order.
    private let answers: [StatusSeries]
    /// `exchange_gateway_client_requests_total{client,route,status}` by client id, for the two
    /// routes whose callers are authenticated.
    private let clients: [String: (dossier: StatusSeries, batch: StatusSeries)]

    init(clients: [ClientConfig], metrics: GatewayMetrics) {
        answers = Self.routes.map { metrics.requests(route: $0.rawValue) }
        self.clients = Dictionary(clients.map { client in
            (client.id, (metrics.clientRequests(client: client.id, route: GatewayRouter.Route.dossier.rawValue),
                         metrics.clientRequests(client: client.id, route: GatewayRouter.Route.dossierBatch.rawValue)))
        }) { first, _ in first }
    }

    /// Counts one answer on `route`.
    func answered(_ route: GatewayRouter.Route, status: Int) {
        answers[Self.routes.firstIndex(of: route)!].increment(status: status)
    }

    /// Counts one answer to `client`, a configured client authenticated on a dossier route.
    func answered(client: String, on route: GatewayRouter.Route, status: Int) {
        guard let series = clients[client] else { preconditionFailure("client \(client) is not in the runtime's config") }
        switch route {
        case .dossier: series.dossier.increment(status: status)
        case .dossierBatch: series.batch.increment(status: status)
        default: preconditionFailure("only the dossier routes have authenticated callers")
        }
    }
}
