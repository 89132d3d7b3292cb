// The dossier with the single-pass writer: each body validated, served through the role's view and
// its checked values captured in one pass (ViewWriter), the checks run on the captures, the answer
// written straight into one buffer.
import GatewayCore
import GatewayJSON

func dossierLength(_ config: GatewayConfig, _ role: RoleConfig, _ propertyID: PropertyID, _ bodies: [(String, [UInt8])],
                   _ requests: [String: UpstreamRequest]) -> Int {
    let sections = bodies.map { source, body in
        (name: source, outcome: SourceOutcome(request: requests[source]!, result: .response(status: 200, body: body), latencyMs: 1,
                                              reading: SourceReading(view: role.view(for: source), captures: config.checks.captures(for: source))))
    }
    let consistency = config.checks.evaluate(propertyID: propertyID, sections: sections)
    let dossier = Dossier(propertyID: propertyID, requestID: "01JBENCHVIEWCOST0000000000", generatedAt: Timestamp(millisecondsSince1970: 0),
                          sources: sections, consistency: consistency)
    return dossier.encoded().count
}
