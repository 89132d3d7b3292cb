import GatewayJSON
import JSONTestSupport
import Testing

/// `JSONCopy` through `JSONOutput`: the output rules a served section follows.
struct JSONOutputTests {
    /// White space goes; strings are decoded and escaped again by the dossier's rules (only `"`,
    /// `\` and control characters, short forms where JSON has them); numbers and literals stay as sent.
    @Test(arguments: [
        (#" { "a" : [ 1 , 2 ] , "b" : { } }  "#, #"{"a":[1,2],"b":{}}"#),
        (#"["\/\u00e9\u00E9\u4E2D"]"#, #"["/éé中"]"#),
        (#"["\u001f\u0001\b\f\n\r\t\"\\"]"#, #"["\u001f\u0001\b\f\n\r\t\"\\"]"#),
        (#"["\u007f\u2028\ud83d\ude00"]"#, "[\"\u{7F}\u{2028}😀\"]"),
        (#"{"k\u0022ey":"v","\t":"\u0009"}"#, #"{"k\"ey":"v","\t":"\t"}"#),
        ("[-0,1.50,1E+2,0.1e1,-0.0,1e-400]", "[-0,1.50,1E+2,0.1e1,-0.0,1e-400]"),
        ("[true,false,null,{},[],[[]]]", "[true,false,null,{},[],[[]]]"),
        ("{\"张三\":\"李四 \u{1F600}\"}", "{\"张三\":\"李四 \u{1F600}\"}"),
    ])
    func copy(_ text: String, _ expected: String) {
        #expect(copied(text) == .success(expected))
    }

    /// The buffer grows as needed past the capacity it was given.
    @Test func outputGrows() {
        let text = "[" + Array(repeating: #""\u0001张三\n""#, count: 500).joined(separator: ",") + "]"
        var copy = JSONCopy(capacity: 0)
        #expect(scan(Array(text.utf8), into: &copy) == nil)
        #expect(String(decoding: copy.output.bytes, as: UTF8.self) == text)
    }

    /// The fixtures' numbers are all in their shortest form, so their copies are byte for byte what
    /// the dossier writes today from jansson's tree (`JSON.parse` then `encoded()`).
    @Test(arguments: Fixtures.all.map(\.name))
    func fixtureCopiesMatchTodaysEncoding(_ name: String) throws {
        let text = Fixtures.bytes(name)
        #expect(copied(text) == .success(try JSON.parse(text).encoded()))
    }

    /// A dossier's envelope: members by name with text, integers, booleans and lists of text, keys from text escaped,
    /// a value written elsewhere (a section's data) copied in; the commas placed.
    @Test func writerMadeValues() {
        var output = JSONOutput(capacity: 0)
        output.beginObject()
        output.member("text", "a\"b\\c\u{1}\n张")
        output.member("n", -12)
        output.member("yes", true)
        output.member("no", false)
        output.member("list", ["x", "y\t"])
        output.member("empty", [])
        output.key(quoting: "src\"")
        Array(#"{"a":[1,2]}"#.utf8).withUnsafeBytes { output.json($0) }
        output.key(quoting: "after")
        output.beginArray()
        output.string("")
        Array("null".utf8).withUnsafeBytes { output.json($0) }
        output.endArray()
        output.endObject()
        let bytes = output.finished()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"text":"a\"b\\c\u0001\n张","n":-12,"yes":true,"no":false,"list":["x","y\t"],"empty":[],"src\"":{"a":[1,2]},"after":["",null]}"#)
        #expect((try? JSON.parse(bytes)) != nil)
    }

    /// Values the gateway writes itself follow the same rules, commas placed by the output.
    @Test func valuesWrittenByTheGateway() {
        var output = JSONOutput(capacity: 0)
        output.beginObject()
        output.key("text")
        output.string("say \"hi\"\\\u{1}\u{1F}\n é中😀\u{7F}")
        output.key("none")
        output.string(orNull: nil)
        output.key("some")
        output.string(orNull: "x")
        output.key("numbers")
        output.beginArray()
        for number in [0, 7, -7, 1_234_567_890, Int.max, Int.min] { output.integer(number) }
        output.endArray()
        output.key("hex")
        output.asciiString(upTo: 4) { buffer in
            for (offset, byte) in "beef".utf8.enumerated() { buffer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
            return 4
        }
        output.key("empty")
        output.string("")
        output.key("null")
        output.null()
        output.endObject()
        let expected = #"{"text":"say \"hi\"\\\u0001\u001f\n é中😀\#u{7F}","none":null,"some":"x","numbers":[0,7,-7,1234567890,9223372036854775807,-9223372036854775808],"hex":"beef","empty":"","null":null}"#
        #expect(String(decoding: output.bytes, as: UTF8.self) == expected)
        #expect(String(decoding: output.finished(), as: UTF8.self) == expected)
        #expect(output.bytes.isEmpty)
        output.beginArray()
        output.null()
        output.endArray()
        #expect(String(decoding: output.finished(), as: UTF8.self) == "[null]", "a finished output starts over")
    }

    /// Integers appended to a byte array, as an audit line's `seq` is.
    @Test(arguments: [(0, "0"), (9, "9"), (10, "10"), (-1, "-1"), (9_007_199_254_740_991, "9007199254740991"), (Int.min, "-9223372036854775808")])
    func appendsIntegers(_ value: Int, _ text: String) {
        var bytes = Array("x=".utf8)
        JSONOutput.appendInteger(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x=" + text)
    }
}
