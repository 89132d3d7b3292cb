/// Reproduces a scanned text as compact JSON by `JSONOutput`'s rules: every member and element,
/// in document order. What a section served whole and unmasked is made of, and what the
/// differential tests hold to jansson's reading of the original.
public struct JSONCopy: JSONScanConsumer {
    public private(set) var output: JSONOutput

    /// - Parameter capacity: bytes to reserve; the copy is at most as long as the text, plus a
    ///   few bytes for each string whose escapes are written longer than sent (`\u0001`).
    public init(capacity: Int) {
        output = JSONOutput(capacity: capacity)
    }

    public mutating func beginObject(at _: Int) -> JSONScanDecision {
        output.beginObject()
        return .visit
    }

    public mutating func key(_ key: JSONString) -> JSONScanDecision {
        output.key(key)
        return .visit
    }

    public mutating func endObject(at _: Int) {
        output.endObject()
    }

    public mutating func beginArray(at _: Int) -> JSONScanDecision {
        output.beginArray()
        return .visit
    }

    public mutating func endArray(at _: Int) {
        output.endArray()
    }

    public mutating func scalar(_ scalar: JSONScalar) {
        output.scalar(scalar)
    }
}
