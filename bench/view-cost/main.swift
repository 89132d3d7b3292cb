// bench/view-cost.sh builds this, with the Serving.swift of one side, against the sources of that
// side: it parses the three LA2023001 bodies ITERATIONS times and, in `apply` mode, serves each as
// ROLE may see it, so that the instructions of `apply` minus those of `parse` are what that costs.
//
// Usage: view-cost CONFIG FIXTURES ROLE ITERATIONS parse|apply
import GatewayCore
import GatewayJSON

let arguments = CommandLine.arguments
guard arguments.count == 6, let iterations = Int(arguments[4]), ["parse", "apply"].contains(arguments[5]) else {
    fatalError("usage: view-cost CONFIG FIXTURES ROLE ITERATIONS parse|apply")
}
let role = try! GatewayConfig.load(path: arguments[1]).roles[arguments[3]]!
let sources = ["land", "tax", "house"].filter(role.mayRead)
let bodies = sources.map { FileBytes.read("\(arguments[2])/\($0)/LA2023001.json")! }
let serve = sources.map { serving(role, $0) }
let applying = arguments[5] == "apply"
var checksum = 0
for _ in 0..<iterations {
    for (serve, body) in zip(serve, bodies) {
        let data = try! JSON.parse(body)
        if applying { checksum &+= serve(data) }
        checksum &+= data.count
    }
}
print(checksum)
