// bench/view-cost.sh builds this against the sources before views (the deny-list masking): it
// parses the three LA2023001 bodies ITERATIONS times and, in `apply` mode, masks each with ROLE's
// masking policy, so that the instructions of `apply` minus those of `parse` are what masking cost.
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
let policies = sources.map(role.maskingPolicy)
let applying = arguments[5] == "apply"
var checksum = 0
for _ in 0..<iterations {
    for (policy, body) in zip(policies, bodies) {
        let data = try! JSON.parse(body)
        if applying { Masking.apply(policy, to: data) }
        checksum &+= data.count
    }
}
print(checksum)
