// bench/view-cost.sh builds this, with the Serving.swift of one side, against the sources of that
// side: ROUNDS times, it builds LA2023001's dossier from the three department bodies as ROLE may
// see it (the bodies read, the consistency checks run, each body served through the role's view,
// the answer encoded), and prints a checksum of the answers' lengths so that nothing is optimized away.
//
// Usage: view-cost CONFIG FIXTURES ROLE ROUNDS
import GatewayCore
import GatewayJSON

let arguments = CommandLine.arguments
guard arguments.count == 5, let rounds = Int(arguments[4]) else {
    fatalError("usage: view-cost CONFIG FIXTURES ROLE ROUNDS")
}
let config = try! GatewayConfig.load(path: arguments[1])
let role = config.roles[arguments[3]]!
let bodies = ["land", "tax", "house"].filter(role.mayRead).map { ($0, FileBytes.read("\(arguments[2])/\($0)/LA2023001.json")!) }
let propertyID = PropertyID("LA2023001")!
let requests = Dictionary(uniqueKeysWithValues: bodies.map { source, _ in
    (source, UpstreamRequest(source: source, url: "http://127.0.0.1:9/\(source)", timeoutMs: 1000, connectTimeoutMs: 100,
                             maxResponseBytes: 1 << 20))
})
var checksum = 0
for _ in 0..<rounds {
    checksum &+= dossierLength(config, role, propertyID, bodies, requests)
}
print(checksum)
