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

    /// What the writer adds of its own (a dossier's envelope): members by static name, keys and strings from text
    /// escaped, integers in decimal (the int64 edges included), booleans, a value written elsewhere copied in; the
    /// commas placed; the bytes handed over, the output left empty.
    @Test func writerMadeValues() {
        var output = JSONOutput(capacity: 0)
        output.beginObject()
        output.member("text", "a\"b\\c\u{1}\n张")
        output.member("min", Int.min)
        output.member("max", Int.max)
        output.member("zero", 0)
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
        let bytes = output.finish()
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"text":"a\"b\\c\u0001\n张","min":-9223372036854775808,"max":9223372036854775807,"# +
            #""zero":0,"yes":true,"no":false,"list":["x","y\t"],"empty":[],"src\"":{"a":[1,2]},"after":["",null]}"#)
        #expect((try? JSON.parse(bytes)) != nil)
        #expect(output.bytes.isEmpty)
    }
}
