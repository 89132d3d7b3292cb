import CLISupport
import DepartmentStubs

/// Parses `--latency land=40,tax=60,house=80` (milliseconds per department).
enum StubLatency {
    static func parse(_ text: String?) throws(ArgumentError) -> [Department: Duration] {
        guard let text else { return [:] }
        var latency: [Department: Duration] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=")
            guard parts.count == 2, let department = Department(rawValue: String(parts[0])),
                  let milliseconds = Int(parts[1]), (0...600_000).contains(milliseconds)
            else {
                throw ArgumentError("--latency takes land=MS,tax=MS,house=MS, not '\(item)'")
            }
            latency[department] = .milliseconds(milliseconds)
        }
        return latency
    }
}
