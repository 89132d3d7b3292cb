import GatewayJSON

/// Writes every event down as a short line (`{ 0`, `key name`, `string 张三 9..<15`, `} 20`),
/// and skips the keys and containers it is told to.
struct EventLog: JSONScanConsumer {
    var events: [String] = []
    /// Keys whose values to skip.
    var skippedKeys: Set<String> = []
    /// Offsets of the containers to skip.
    var skippedContainers: Set<Int> = []

    mutating func beginObject(at offset: Int) -> JSONScanDecision {
        events.append("{ \(offset)")
        return skippedContainers.contains(offset) ? .skip : .visit
    }

    mutating func key(_ key: JSONString) -> JSONScanDecision {
        let text = String(decoding: key.utf8, as: UTF8.self)
        events.append("key \(text)")
        return skippedKeys.contains(text) ? .skip : .visit
    }

    mutating func endObject(at offset: Int) {
        events.append("} \(offset)")
    }

    mutating func beginArray(at offset: Int) -> JSONScanDecision {
        events.append("[ \(offset)")
        return skippedContainers.contains(offset) ? .skip : .visit
    }

    mutating func endArray(at offset: Int) {
        events.append("] \(offset)")
    }

    mutating func scalar(_ scalar: JSONScalar) {
        events.append("\(scalar.kind) \(String(decoding: scalar.text.utf8, as: UTF8.self)) \(scalar.range)")
    }
}
