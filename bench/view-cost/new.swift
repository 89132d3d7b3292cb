// bench/view-cost.sh builds this against the current sources: it parses the three LA2023001
// bodies ITERATIONS times and, in `apply` mode, serves each through ROLE's view, so that the
// instructions of `apply` minus those of `parse` are what the views cost.
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
let views = sources.map(role.view)
let applying = arguments[5] == "apply"
var checksum = 0
for _ in 0..<iterations {
    for (view, body) in zip(views, bodies) {
        let data = try! JSON.parse(body)
        if applying { checksum &+= view.apply(to: data).withheld.occurrences }
        checksum &+= data.count
    }
}
print(checksum)
