import GatewayCore
import GatewayJSON

extension SourceOutcome {
    /// `body` as `source`'s 200 answer, served through `view` (as sent without one), with the
    /// values `checks` read in `source` captured: what `DossierService` makes of such an answer.
    static func answered(_ body: String, source: String = "land", view: SourceView? = nil, checks: ConsistencyChecks = ConsistencyChecks(),
                         latencyMs: Int = 1) -> SourceOutcome {
        answered(Array(body.utf8), source: source, view: view, checks: checks, latencyMs: latencyMs)
    }

    static func answered(_ body: [UInt8], source: String = "land", view: SourceView? = nil, checks: ConsistencyChecks = ConsistencyChecks(),
                         latencyMs: Int = 1) -> SourceOutcome {
        let request = UpstreamRequest(source: source, url: "http://127.0.0.1:9/\(source)", timeoutMs: 1000, connectTimeoutMs: 100,
                                      maxResponseBytes: 1 << 20)
        return SourceOutcome(request: request, result: .response(status: 200, body: body), latencyMs: latencyMs,
                             reading: SourceReading(view: view, captures: checks.captures(for: source)))
    }

    /// The served data as jansson reads it.
    var parsedData: JSON? {
        data.flatMap { try? JSON.parse($0) }
    }
}

extension Dossier {
    /// The answer's body as jansson reads it.
    func parsed() throws -> JSON {
        try JSON.parse(encoded())
    }
}
