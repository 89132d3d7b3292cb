import GatewayJSON

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
