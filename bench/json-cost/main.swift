// Reads department bodies and, ROUNDS times over all of them, does one of:
//   jansson   parse each with jansson and encode the tree again (what the dossier does with a body
//             today, masking aside: JSON.parse + JSONWriter)
//   validate  scan each without doing anything with the events (JSONScanner alone)
//   copy      scan and copy each in one pass (JSONScanner + JSONCopy)
// bench/json-cost.sh counts the instructions.
//
// Usage: json-cost jansson|validate|copy ROUNDS FILE...
import GatewayJSON
import Glibc

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        guard count > 0 else { return bytes }
        bytes += chunk[..<count]
    }
}

func fail(_ message: String) -> Never {
    let line = "json-cost: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

/// Counts what it is handed, so that the scan's events are not optimized away.
struct EventCount: JSONScanConsumer {
    var count = 0
    mutating func beginObject(at _: Int) -> JSONScanDecision { count += 1; return .visit }
    mutating func key(_ key: JSONString) -> JSONScanDecision { count += key.utf8.count; return .visit }
    mutating func endObject(at _: Int) {}
    mutating func beginArray(at _: Int) -> JSONScanDecision { count += 1; return .visit }
    mutating func endArray(at _: Int) {}
    mutating func scalar(_ scalar: JSONScalar) { count += scalar.text.utf8.count }
}

/// Scans `body` into `consumer`; a refusal ends the run.
func scan<Consumer: JSONScanConsumer>(_ body: [UInt8], into consumer: inout Consumer) {
    let refusal = body.withUnsafeBytes { buffer -> JSONScanError? in
        do throws(JSONScanError) {
            try JSONScanner.scan(buffer, maxBytes: 1 << 20, into: &consumer)
            return nil
        } catch {
            return error
        }
    }
    if let refusal { fail("a body was refused: \(refusal)") }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let rounds = Int(arguments[2]) else { fail("usage: json-cost jansson|validate|copy ROUNDS FILE...") }
let bodies = arguments[3...].map(readFile)

let round: ([UInt8]) -> Int = switch arguments[1] {
case "jansson":
    { body in
        guard let tree = try? JSON.parse(body) else { fail("jansson refused a body") }
        return tree.encoded().count
    }
case "validate":
    { body in
        var events = EventCount()
        scan(body, into: &events)
        return events.count
    }
case "copy":
    { body in
        var copy = JSONCopy(capacity: body.count)
        scan(body, into: &copy)
        return copy.output.bytes.count
    }
default:
    fail("unknown mode \(arguments[1])")
}
var total = 0
for _ in 0..<rounds {
    for body in bodies { total += round(body) }
}
print("\(arguments[1]): \(rounds) rounds, \(total) bytes or events")
