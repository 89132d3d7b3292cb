// The dossier before the single-pass writer: each body parsed by jansson, the checks run on the
// trees, each tree edited in place by the role's view, the dossier built as a tree and encoded.
import GatewayCore
import GatewayJSON

func dossierLength(_ config: GatewayConfig, _ role: RoleConfig, _ propertyID: PropertyID, _ bodies: [(String, [UInt8])],
                   _ requests: [String: UpstreamRequest]) -> Int {
    var sections = bodies.map { source, body in
        (name: source, outcome: SourceOutcome(request: requests[source]!, result: .response(status: 200, body: body), latencyMs: 1))
    }
    let consistency = config.checks.evaluate(propertyID: propertyID, sections: sections)
    for index in sections.indices {
        sections[index].outcome.withheld = role.view(for: sections[index].name).apply(to: sections[index].outcome.data!).withheld
    }
    let dossier = Dossier(propertyID: propertyID, requestID: "01JBENCHVIEWCOST0000000000", generatedAt: Timestamp(millisecondsSince1970: 0),
                          sources: sections, consistency: consistency)
    return dossier.json().encoded().count
}
