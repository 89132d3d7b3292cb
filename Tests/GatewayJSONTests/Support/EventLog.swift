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

/// Skips by a rule that depends only on the text (every third container by offset, every key of
/// odd length): the verdict on a text must not depend on what its consumer skips.
struct ArbitrarySkips: JSONScanConsumer {
    mutating func beginObject(at offset: Int) -> JSONScanDecision { offset % 3 == 0 ? .skip : .visit }
    mutating func key(_ key: JSONString) -> JSONScanDecision { key.utf8.count % 2 == 1 ? .skip : .visit }
    mutating func endObject(at _: Int) {}
    mutating func beginArray(at offset: Int) -> JSONScanDecision { offset % 3 == 0 ? .skip : .visit }
    mutating func endArray(at _: Int) {}
    mutating func scalar(_: JSONScalar) {}
}

/// Where every value is, by its JSON pointer: what capturing the values the consistency checks
/// read takes.
struct ValueRanges: JSONScanConsumer {
    private(set) var ranges: [String: Range<Int>] = [:]
    /// The open containers: pointer, start, and for an array the index of its next element.
    private var open: [(pointer: String, start: Int, nextIndex: Int?)] = []
    private var key = ""

    /// The pointer of the value starting now.
    private mutating func nextPointer() -> String {
        guard let parent = open.last else { return "" }
        guard let index = parent.nextIndex else {
            return parent.pointer + "/" + key.replacing("~", with: "~0").replacing("/", with: "~1")
        }
        open[open.count - 1].nextIndex = index + 1
        return parent.pointer + "/\(index)"
    }

    mutating func beginObject(at offset: Int) -> JSONScanDecision {
        open.append((nextPointer(), offset, nil))
        return .visit
    }

    mutating func key(_ key: JSONString) -> JSONScanDecision {
        self.key = String(decoding: key.utf8, as: UTF8.self)
        return .visit
    }

    mutating func endObject(at offset: Int) {
        let object = open.removeLast()
        ranges[object.pointer] = object.start..<offset
    }

    mutating func beginArray(at offset: Int) -> JSONScanDecision {
        open.append((nextPointer(), offset, 0))
        return .visit
    }

    mutating func endArray(at offset: Int) {
        endObject(at: offset)
    }

    mutating func scalar(_ scalar: JSONScalar) {
        ranges[nextPointer()] = scalar.range
    }
}
