import CLISupport
import DepartmentStubs
import Glibc

let program = "department-stubs"
let usage = """
    usage: department-stubs [--host 127.0.0.1] [--land-port 9101] [--tax-port 9102] [--house-port 9103]
                            [--latency land=40,tax=60,house=80] [--fixtures stubs/fixtures]

    Serves the land, tax and house department APIs from JSON fixtures until SIGINT or SIGTERM.
    Fault ids LA-FAULT-<LAND|TAX|HOUSE>-<TIMEOUT|SLOW|500|404|BADJSON|HUGE|DRIP|RESET> make one
    department misbehave. GET /_stub/requests on each port counts the requests it received.
    """

var arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
if arguments.wantsHelp() {
    Terminal.print(usage)
    exit(0)
}
do throws(ArgumentError) {
    let host = try arguments.option("--host") ?? "127.0.0.1"
    var ports: [Department: Int] = [:]
    for department in Department.allCases {
        ports[department] = try arguments.integerOption("--\(department.rawValue)-port", in: 0...65535) ?? department.defaultPort
    }
    let latency = try StubLatency.parse(arguments.option("--latency"))
    let fixturesPath = try arguments.option("--fixtures") ?? BundledFile.locate("stubs/fixtures")
    try arguments.finish()

    let fixtures: FixtureStore
    do {
        fixtures = try FixtureStore(directory: fixturesPath)
    } catch {
        Terminal.fail(error.description, program: program)
    }
    let stubs: DepartmentStubs
    do {
        stubs = try await DepartmentStubs(fixtures: fixtures, host: host, ports: ports, latency: latency)
    } catch {
        Terminal.fail("\(error)", program: program)
    }
    for department in Department.allCases {
        Terminal.print("\(department.rawValue) listening on \(host):\(stubs[department].port) (\(fixtures.propertyIDs(of: department).count) records, latency \(latency[department] ?? .zero))")
    }
    _ = await ShutdownSignal.wait()
    await stubs.shutdown()
} catch {
    Terminal.fail(error.description, program: program, code: 2)
}
