import GatewayCore
import UpstreamClient

/// Builds dossiers: every requested source is fetched at once, each bounded by its own
/// timeout and by what is left of the dossier deadline.
public struct DossierService: Sendable {
    public let config: GatewayConfig
    let client: UpstreamClient

    public init(config: GatewayConfig, client: UpstreamClient) {
        self.config = config
        self.client = client
    }

    /// The dossier for `propertyID` from `sources` (in config order), within `deadlineMs`.
    public func dossier(for propertyID: PropertyID, from sources: [SourceConfig], requestID: String) async -> Dossier {
        let requests = sources.map { $0.request(for: propertyID, remainingMs: config.deadlineMs) }
        let outcomes = await withTaskGroup(of: (Int, SourceOutcome).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask { (index, await client.fetch(request)) }
            }
            var outcomes = [SourceOutcome?](repeating: nil, count: requests.count)
            for await (index, outcome) in group {
                outcomes[index] = outcome
            }
            return outcomes
        }
        return Dossier(propertyID: propertyID, requestID: requestID, generatedAt: .now(),
                       sources: zip(sources, outcomes).map { ($0.name, $1!) })
    }
}
