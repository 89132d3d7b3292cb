import GatewayJSON

/// Skips by a rule that depends only on the text (a third of the containers, by offset; every key of
/// odd length): the verdict on a text must not depend on what its consumer skips.
struct ArbitrarySkips: JSONScanConsumer {
    mutating func beginObject(at offset: Int) -> JSONScanDecision { offset % 3 == 1 ? .skip : .visit }
    mutating func key(_ key: JSONString) -> JSONScanDecision { key.utf8.count % 2 == 1 ? .skip : .visit }
    mutating func endObject(at _: Int) {}
    mutating func beginArray(at offset: Int) -> JSONScanDecision { offset % 3 == 1 ? .skip : .visit }
    mutating func endArray(at _: Int) {}
    mutating func scalar(_: JSONScalar) {}
}
