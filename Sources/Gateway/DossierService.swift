import GatewayCore
import UpstreamClient

/// Builds dossiers: every permitted source is fetched at once, each bounded by its own
/// timeout and by the dossier deadline; each answer is masked for the caller's role before
/// it joins the dossier. Forbidden sources are never called.
public struct DossierService: Sendable {
    public let config: GatewayConfig
    let client: UpstreamClient

    public init(config: GatewayConfig, client: UpstreamClient) {
        self.config = config
        self.client = client
    }

    /// - Parameter trace: each upstream call carries a child `traceparent` of it, and the request id.
    public func dossier(for propertyID: PropertyID, access: SourceAccess, role: RoleConfig, requestID: String,
                        trace: TraceContext) async -> Dossier {
        let permitted = access.permitted
        let outcomes = await client.fetchAll(permitted.map { source in
            source.request(for: propertyID, remainingMs: config.deadlineMs,
                           headers: ["traceparent: \(trace.childTraceparent())", "X-Request-Id: \(requestID)"])
        })
        var byName: [String: SourceOutcome] = [:]
        for (source, outcome) in zip(permitted, outcomes) {
            if let data = outcome.data { Masking.apply(role.maskingPolicy(for: source.name), to: data) }
            byName[source.name] = outcome
        }
        for source in access.forbidden {
            byName[source.name] = .notCalled(.notPermitted, error: "role \(role.name) may not read this department's data")
        }
        let sections = config.sources.compactMap { source in byName[source.name].map { (source.name, $0) } }
        return Dossier(propertyID: propertyID, requestID: requestID, generatedAt: .now(), sources: sections)
    }
}
