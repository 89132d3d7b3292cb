import GatewayJSON
import JSONTestSupport
import Testing

/// `JSONScanner`: the events it sends, what a skip leaves out, and each rule, error and limit.
struct JSONScannerTests {
    static let sample = #"{"a":[1,-0.5e3,"x\n"],"b":{},"c":true,"d":null}"#

    /// Every value, key and end, in document order, with where each is.
    @Test func eventsInDocumentOrder() {
        var log = EventLog()
        #expect(scan(Array(Self.sample.utf8), into: &log) == nil)
        #expect(log.events == [
            "{ 0", "key a", "[ 5", "integer 1 6..<7", "real -0.5e3 8..<14", "string x\n 15..<20", "] 21",
            "key b", "{ 26", "} 28", "key c", "bool true 33..<37", "key d", "null null 42..<46", "} 47",
        ])
    }

    /// A skipped member or container sends no events, its end included; the scan goes on after it.
    @Test func skippedValuesSendNoEvents() {
        var skippingKey = EventLog(skippedKeys: ["a"])
        #expect(scan(Array(Self.sample.utf8), into: &skippingKey) == nil)
        #expect(skippingKey.events == [
            "{ 0", "key a", "key b", "{ 26", "} 28", "key c", "bool true 33..<37", "key d", "null null 42..<46", "} 47",
        ])

        var skippingObject = EventLog(skippedContainers: [26])
        #expect(scan(Array(Self.sample.utf8), into: &skippingObject) == nil)
        #expect(skippingObject.events == [
            "{ 0", "key a", "[ 5", "integer 1 6..<7", "real -0.5e3 8..<14", "string x\n 15..<20", "] 21",
            "key b", "{ 26", "key c", "bool true 33..<37", "key d", "null null 42..<46", "} 47",
        ])

        var skippingAll = EventLog(skippedContainers: [0])
        #expect(scan(Array(Self.sample.utf8), into: &skippingAll) == nil)
        #expect(skippingAll.events == ["{ 0"])
    }

    /// What a consumer skips is still validated: a fault inside refuses the whole text.
    @Test(arguments: [
        (#"{"a":{"x":1,"x":2},"b":1}"#, JSONScanError.Reason.duplicateKey),
        (#"{"a":["\uD800"],"b":1}"#, .loneSurrogate),
        (#"{"a":[1e999],"b":1}"#, .realOutOfRange),
        (#"{"a":[1,],"b":1}"#, .unexpectedCharacter),
    ])
    func skippedValuesAreValidated(_ text: String, _ reason: JSONScanError.Reason) {
        var log = EventLog(skippedKeys: ["a"])
        #expect(scan(Array(text.utf8), into: &log)?.reason == reason)
    }

    /// Keys and strings arrive decoded; keys compare as decoded bytes.
    @Test func keysAndStringsAreDecoded() {
        var log = EventLog()
        #expect(scan(Array(#"{"\u0061\/":"\ud83d\ude00\t\u00E9","b":"plain"}"#.utf8), into: &log) == nil)
        #expect(log.events == ["{ 0", "key a/", "string 😀\té 12..<34", "key b", "string plain 39..<46", "} 47"])
    }

    /// Keys handed out stay valid until the scan returns, escaped ones included: a view can hold
    /// a key until its value shows whether to serve it.
    @Test func keysStayValidUntilTheScanEnds() {
        struct KeptKeys: JSONScanConsumer {
            var kept: [JSONString] = []
            var atEnd: [String] = []
            mutating func beginObject(at _: Int) -> JSONScanDecision { .visit }
            mutating func key(_ key: JSONString) -> JSONScanDecision {
                kept.append(key)
                return .visit
            }
            mutating func endObject(at _: Int) { atEnd = kept.map { String(decoding: $0.utf8, as: UTF8.self) } }
            mutating func beginArray(at _: Int) -> JSONScanDecision { .visit }
            mutating func endArray(at _: Int) {}
            mutating func scalar(_: JSONScalar) {}
        }
        var keys = KeptKeys()
        #expect(scan(Array(#"{"\u00e9":"\u0041","b\n":{"c":"\ud83d\ude00"},"d":1}"#.utf8), into: &keys) == nil)
        #expect(keys.atEnd == ["é", "b\n", "c", "d"])
    }

    /// The same key twice in one object is refused, however it is escaped; in two objects it is not.
    /// From 32 keys on an object is indexed by hash: the same holds there, and for nested large objects.
    @Test func duplicateKeys() {
        let keys = (0..<1000).map { "\"k\($0)\":0" }
        let large = "{" + keys.joined(separator: ",") + "}"
        #expect(copied(large).isSuccess)
        #expect(copied(#"{"a":1,"b":{"a":1},"c":[{"a":1},{"a":1}]}"#).isSuccess)
        #expect(copied("{\"x\":\(large),\"y\":\(large)," + keys.joined(separator: ",") + "}").isSuccess)
        #expect(copied(#"{"a":1,"\u0061":2}"#).reason == .duplicateKey)
        #expect(copied(#"{"a/b":1,"a\/b":2}"#).reason == .duplicateKey)
        #expect(copied("{" + (keys + ["\"k500\":1"]).joined(separator: ",") + "}").reason == .duplicateKey)
        #expect(copied("{" + (keys + ["\"k\\u0035\":1"]).joined(separator: ",") + "}").reason == .duplicateKey)
        #expect(copied("{\"x\":\(large)," + (keys.prefix(20) + ["\"k3\":1"]).joined(separator: ",") + "}").reason == .duplicateKey)
        // An indexed object around an indexed object: each keeps its own keys.
        let outer = keys.prefix(40).joined(separator: ",")
        #expect(copied("{\(outer),\"inner\":\(large)," + keys[40..<50].joined(separator: ",") + "}").isSuccess)
        #expect(copied("{\(outer),\"inner\":\(large),\"k5\":1}").reason == .duplicateKey)
        #expect(copied("{\(outer),\"inner\":\(large),\"inner\":1}").reason == .duplicateKey)
    }

    /// Numbers arrive as sent, integer or real by their spelling, across the whole range jansson keeps.
    @Test(arguments: [
        ("0", JSONScalar.Kind.integer), ("-0", .integer), ("9223372036854775807", .integer), ("-9223372036854775808", .integer),
        ("1.0", .real), ("1e2", .real), ("1E+2", .real), ("-0.0", .real), ("1e-400", .real), ("1.7976931348623157e308", .real),
        ("1.7976931348623158e308", .real), ("0.01e310", .real), ("0e99999999999999999999", .real),
        ("123456789012345678901234567890.5", .real), (JSONCorpus.halfwayPastLargestDouble + "1.0", .real),
    ])
    func numbers(_ text: String, _ kind: JSONScalar.Kind) {
        var log = EventLog()
        #expect(scan(Array("[\(text)]".utf8), into: &log) == nil)
        #expect(log.events == ["[ 0", "\(kind) \(text) 1..<\(1 + text.utf8.count)", "] \(2 + text.utf8.count)"])
    }

    /// Each rule broken, with where the scanner says it was (byte offset, line, column).
    @Test(arguments: [
        ("", JSONScanError.Reason.notObjectOrArray, 0),
        ("  1", .notObjectOrArray, 2),
        (#""a""#, .notObjectOrArray, 0),
        (#"{"a":1} x"#, .trailingCharacters, 8),
        (#"{"a":1,}"#, .unexpectedCharacter, 7),
        (#"{"a" 1}"#, .unexpectedCharacter, 5),
        ("[1 2]", .unexpectedCharacter, 3),
        ("[01]", .unexpectedCharacter, 2),
        ("[tru]", .unexpectedCharacter, 1),
        (#"{"a":"#, .unexpectedEnd, 5),
        (#"["abc"#, .unexpectedEnd, 5),
        (#"["a\u00"]"#, .invalidEscape, 3),
        (#"["\x"]"#, .invalidEscape, 2),
        (#"["a\u0000"]"#, .nulCharacter, 3),
        (#"{"\u0000":1}"#, .nulCharacter, 2),
        (#"["\uD800"]"#, .loneSurrogate, 2),
        (#"["\uDC00"]"#, .loneSurrogate, 2),
        (#"["\uD800\u0041"]"#, .loneSurrogate, 2),
        ("[\"a\u{01}\"]", .controlCharacter, 3),
        ("[1.]", .invalidNumber, 3),
        ("[-]", .invalidNumber, 2),
        ("[1e+]", .invalidNumber, 4),
        ("[9223372036854775808]", .integerOutOfRange, 1),
        ("[-9223372036854775809]", .integerOutOfRange, 1),
        ("[1e309]", .realOutOfRange, 1),
        ("[1.7976931348623159e308]", .realOutOfRange, 1),
        ("[" + JSONCorpus.halfwayPastLargestDouble + "2.0]", .realOutOfRange, 1),
        (#"{"a":1,"\u0061":2}"#, .duplicateKey, 7),
    ])
    func refusals(_ text: String, _ reason: JSONScanError.Reason, _ offset: Int) {
        let error = copied(text).error
        #expect(error?.reason == reason)
        #expect(error?.offset == offset)
    }

    /// A NUL byte outside a string is refused, also right after a number or literal, where
    /// jansson 2.14 drops it (its one acceptance the scanner does not share, on purpose).
    @Test(arguments: ["[1\u{00}]", "[true\u{00}]", "{\"a\":1.5\u{00}}"])
    func nulByteAfterAValue(_ text: String) {
        #expect((try? JSON.parse(text)) != nil)
        #expect(copied(text).reason == .unexpectedCharacter)
        #expect(copied(text).error?.offset == Array(text.utf8).firstIndex(of: 0))
    }

    /// Bytes that are not UTF-8, inside a string: overlong, surrogate, past U+10FFFF, cut short, stray.
    @Test(arguments: [[0xC0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
                      [0xF5, 0x80, 0x80, 0x80], [0xE4, 0xB8], [0x80], [0xFF]] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        let text: [UInt8] = Array(#"["a"#.utf8) + bytes + Array(#""]"#.utf8)
        #expect(copied(text).error?.reason == .invalidUTF8)
        #expect(copied(text).error?.offset == 3)
    }

    /// Line and column count lines and Unicode scalars, so a clerk can find the place; the text is
    /// never quoted, since it may be personal data.
    @Test func errorsSayWhereNotWhat() {
        #expect(copied("{\n  \"a\": 1,\n  \"a\": 2\n}").error.map { [$0.line, $0.column] } == [3, 3])
        #expect(copied(#"["张三",x]"#).error.map { [$0.offset, $0.line, $0.column] } == [10, 1, 7])
        let error = copied(#"{"id_card":"340102199001011234" x}"#).error
        #expect(error?.description == "unexpected character (line 1, column 33, byte 32)")
    }

    /// 2,048 levels as jansson counts them: a scalar is a level of its own.
    @Test(arguments: [(2048, "", true), (2049, "", false), (2047, "1", true), (2048, "1", false), (1_000_000, "", false)])
    func depthLimit(_ arrays: Int, _ inner: String, _ accepted: Bool) {
        let text = String(repeating: "[", count: arrays) + inner + String(repeating: "]", count: arrays)
        #expect(copied(text).isSuccess == accepted)
        #expect(((try? JSON.parse(text)) != nil) == accepted)
        if !accepted { #expect(copied(text).reason == .tooDeep) }
    }

    /// The size limit is the caller's: a text of exactly `maxBytes` passes, one byte more does not.
    @Test func sizeLimit() {
        let text = Array(#"{"a":1}"#.utf8)
        var copy = JSONCopy(capacity: 0)
        #expect(scan(text, maxBytes: text.count, into: &copy) == nil)
        #expect(scan(text, maxBytes: text.count - 1, into: &copy)?.reason == .tooLarge)
    }

    /// Where each value of each fixture is, found by pointer, holds exactly that value: what
    /// capturing the values of the consistency checks needs.
    @Test(arguments: Fixtures.all.map(\.name))
    func valueRangesMatchJansson(_ name: String) throws {
        let text = Fixtures.bytes(name)
        var ranges = ValueRanges()
        #expect(scan(text, into: &ranges) == nil)
        let tree = try JSON.parse(text)
        #expect(ranges.ranges.count == Self.valueCount(tree))
        for (pointer, range) in ranges.ranges {
            let captured = try JSON.parse(Array("[".utf8) + text[range] + Array("]".utf8)).elements[0]
            let expected = try #require(tree.value(at: JSONPointer(pointer)))
            #expect(TreeEquality.same(captured, expected), "\(name) \(pointer)")
        }
    }

    /// How many values `tree` holds, itself included.
    static func valueCount(_ tree: JSON) -> Int {
        1 + tree.members.map { valueCount($0.value) }.reduce(0, +) + tree.elements.map(valueCount).reduce(0, +)
    }
}

extension Result where Failure == JSONScanError {
    var isSuccess: Bool { (try? get()) != nil }
    var error: JSONScanError? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
    var reason: JSONScanError.Reason? { error?.reason }
}
