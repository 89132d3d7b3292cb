import Testing
import GatewayJSON

struct JSONTests {
    /// Compact encoding reproduces compact input byte for byte, including member order and Chinese text.
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":{"d":"张三","e":89.7,"f":-0.5}}"#,
        #"[]"#,
        #"{}"#,
        #"[1,"two",3.25,{"z":null}]"#,
        #"{"s":"quote \" backslash \\ newline \n tab \t"}"#,
    ])
    func roundTrip(_ text: String) throws {
        #expect(try JSON.parse(text).encodedString() == text)
    }

    /// Members come back in document order, not sorted.
    @Test func memberOrderPreserved() throws {
        let json = try JSON.parse(#"{"zeta":1,"alpha":2,"mid":3}"#)
        #expect(json.members.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(json.members.map { $0.value.integer } == [1, 2, 3])
        #expect(JSON.object(["y": JSON(1), "x": JSON(2)]).encodedString() == #"{"y":1,"x":2}"#)
    }

    /// Setting a new key appends it, setting an existing key replaces in place, setting nil removes.
    @Test func subscriptSetAndRemove() throws {
        let json = try JSON.parse(#"{"a":1,"b":2}"#)
        json["c"] = JSON("三")
        #expect(json.encodedString() == #"{"a":1,"b":2,"c":"三"}"#)
        json["a"] = JSON(10)
        #expect(json["a"]?.integer == 10)
        json["b"] = nil
        #expect(json["b"] == nil)
        #expect(json.count == 2)
        #expect(json.members.map(\.key).contains("a"))
        #expect(json["missing"] == nil)
        #expect(JSON.array()["a"] == nil)
    }

    /// Arrays expose elements and support append and replace; scalars have no elements or members.
    @Test func arrayElements() throws {
        let array = try JSON.parse(#"[1,"x",null]"#)
        #expect(array.count == 3)
        #expect(array.elements.map(\.kind) == [.integer, .string, .null])
        array.append(JSON(true))
        array.replaceElement(at: 0, with: JSON("first"))
        #expect(array.encodedString() == #"["first","x",null,true]"#)
        #expect(JSON(5).elements.isEmpty)
        #expect(JSON(5).members.isEmpty)
        #expect(JSON(5).count == 0)
        #expect(JSON.array([JSON(1), JSON.null()]).encodedString() == "[1,null]")
    }

    /// kind and the typed accessors report each JSON type.
    @Test func kindsAndAccessors() throws {
        let values = try JSON.parse(#"[{},[],"s",1,1.5,true,false,null]"#).elements
        #expect(values.map(\.kind) == [.object, .array, .string, .integer, .real, .bool, .bool, .null])
        #expect(values[2].string == "s")
        #expect(values[3].integer == 1)
        #expect(values[5].bool == true)
        #expect(values[6].bool == false)
        #expect(values[7].isNull)
        #expect(values[2].integer == nil)
        #expect(values[3].string == nil)
        #expect(values[3].bool == nil)
    }

    /// Integers and reals stay distinct: 1 is an integer, 1.0 and 1e2 are reals.
    @Test func integerVersusReal() throws {
        let values = try JSON.parse("[1,1.0,1e2,-7]").elements
        #expect(values.map(\.kind) == [.integer, .real, .real, .integer])
        #expect(values[0].integer == 1 && values[0].number == 1.0)
        #expect(values[1].integer == nil && values[1].number == 1.0)
        #expect(values[2].number == 100.0)
        #expect(values[3].integer == -7)
        #expect(JSON("1").number == nil)
    }

    /// Reals keep their short form: 89.7 encodes as 89.7, not 89.700000000000003.
    @Test(arguments: [(89.7, "89.7"), (0.1, "0.1"), (1234.56, "1234.56"), (-0.25, "-0.25")])
    func realsEncodeShort(_ value: Double, _ expected: String) throws {
        #expect(JSON(value).encodedString() == expected)
        #expect(try JSON.parse("[\(expected)]").encodedString() == "[\(expected)]")
    }

    /// Equality is structural: member order does not matter, type does.
    @Test func equatable() throws {
        #expect(try JSON.parse(#"{"a":1,"b":[2]}"#) == JSON.parse(#"{"b":[2],"a":1}"#))
        #expect(try JSON.parse(#"{"a":1}"#) != JSON.parse(#"{"a":2}"#))
        #expect(try JSON.parse("[1]") != JSON.parse("[1.0]"))
        #expect(try JSON.parse("[1,2]") != JSON.parse("[2,1]"))
        #expect(JSON("张三") == JSON("张三"))
    }

    /// A deep copy is independent of the original; a borrowed child is not.
    @Test func deepCopyIndependence() throws {
        let original = try JSON.parse(#"{"owner":{"name":"张三"},"list":[1]}"#)
        let copy = original.deepCopy()
        copy["owner"]!["name"] = JSON("张*")
        copy["list"]!.append(JSON(2))
        #expect(original.encodedString() == #"{"owner":{"name":"张三"},"list":[1]}"#)
        #expect(copy.encodedString() == #"{"owner":{"name":"张*"},"list":[1,2]}"#)
        original["owner"]!["name"] = nil
        #expect(original.encodedString() == #"{"owner":{},"list":[1]}"#)
    }

    /// Parse errors report the line and column where the text broke.
    @Test func parseErrorsCarryPosition() throws {
        let error = try #require(throws: JSONParseError.self) { try JSON.parse("{\n  \"a\": 1,\n  \"b\": }") }
        #expect(error.line == 3)
        #expect(error.column > 0)
        #expect(!error.description.isEmpty)
    }

    /// A parse error's description does not quote the input text, as its doc comment promises.
    @Test(arguments: [(#"{"owner": 张三}"#, "张"), (#"{"id_card":"340102199001011234"#, "340102199001011234")])
    func parseErrorDoesNotQuoteText(_ text: String, _ secret: String) throws {
        let error = try #require(throws: JSONParseError.self) { try JSON.parse(text) }
        #expect(!error.description.contains(secret))
    }

    /// Duplicate keys are rejected at any depth.
    @Test(arguments: [#"{"a":1,"a":2}"#, #"{"x":{"id":1,"id":1}}"#, #"[{"k":"张三","k":"李四"}]"#])
    func duplicateKeysRejected(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    /// Integers beyond Int64 fail to parse instead of wrapping or rounding; Int64.max still parses.
    @Test func bigIntegers() throws {
        #expect(throws: JSONParseError.self) { try JSON.parse("[9223372036854775808]") }
        #expect(throws: JSONParseError.self) { try JSON.parse("[18446744073709551616]") }
        #expect(try JSON.parse("[9223372036854775807]").elements.first?.integer == Int.max)
        #expect(try JSON.parse("[-9223372036854775808]").elements.first?.integer == Int.min)
    }

    /// Malformed input (truncated, trailing garbage, invalid UTF-8, empty) is rejected.
    @Test func malformedRejected() {
        #expect(throws: JSONParseError.self) { try JSON.parse(#"{"a":"#) }
        #expect(throws: JSONParseError.self) { try JSON.parse("{} x") }
        #expect(throws: JSONParseError.self) { try JSON.parse("") }
        #expect(throws: JSONParseError.self) { try JSON.parse([UInt8(ascii: "["), UInt8(ascii: "\""), 0xE5, 0xBC, UInt8(ascii: "\""), UInt8(ascii: "]")]) }
    }

    /// Strings are escaped as JSON requires, while non-ASCII stays raw UTF-8.
    @Test func stringEncoding() {
        #expect(JSON("a\"b\\c\nd").encodedString() == #""a\"b\\c\nd""#)
        #expect(JSON("欧阳娜娜").encoded() == Array("\"欧阳娜娜\"".utf8))
        #expect(JSON.object(["k": JSON("v")]).encodedString(pretty: true) == "{\n  \"k\": \"v\"\n}")
    }

    /// Every control character is escaped (short forms where JSON has them), and the text reads
    /// back equal (jansson refuses to read U+0000, so that one is only checked as written).
    @Test func controlCharactersEscaped() throws {
        #expect(JSON("\u{0}").encodedString() == #""\u0000""#)
        let text = String(decoding: (1..<0x20).map { UInt8($0) } + Array("/é".utf8), as: UTF8.self)
        let encoded = JSON(text).encodedString()
        #expect(encoded.hasPrefix(#""\u0001\u0002"#))
        #expect(encoded.contains(#"\b\t\n\u000b\f\r"#))
        #expect(encoded.hasSuffix(#"\u001f/é""#))
        #expect(try JSON.parse("[\(encoded)]").elements.first?.string == text)
    }

    /// Reals are written in their shortest round-trip form and stay reals; integers stay integers.
    @Test func numberEncoding() throws {
        let parsed = try JSON.parse("[89.7, 1.0, 0.1, 1e16, -2.5e-7, 0.30000000000000004, 42, -9223372036854775808]")
        #expect(parsed.encodedString() == "[89.7,1.0,0.1,1e+16,-2.5e-07,0.30000000000000004,42,-9223372036854775808]")
        let again = try JSON.parse(parsed.encodedString())
        #expect(again.elements.map(\.number) == parsed.elements.map(\.number))
        #expect(again.elements.map(\.kind) == parsed.elements.map(\.kind))
    }

    /// Pretty text nests two spaces per level; empty containers stay on one line.
    @Test func prettyLayout() throws {
        let value = try JSON.parse(#"{"a":[1,{"b":null}],"c":{},"d":[],"e":true}"#)
        #expect(value.encodedString(pretty: true) == """
            {
              "a": [
                1,
                {
                  "b": null
                }
              ],
              "c": {},
              "d": [],
              "e": true
            }
            """)
    }

    /// Values that JSON cannot hold degrade to null rather than crashing.
    @Test func nonFiniteRealIsNull() {
        #expect(JSON(Double.nan).isNull)
        #expect(JSON(Double.infinity).isNull)
    }

    /// The empty string is a string of length 0, also inside containers and after a round trip.
    @Test func emptyString() throws {
        let empty = JSON("")
        #expect(empty.kind == .string && empty.string == "")
        #expect(empty.encodedString() == #""""#)
        #expect(try JSON.parse(JSON.object(["k": JSON("")]).encoded())["k"]?.string == "")
    }

    /// Pointer tokens are split on `/` and unescaped scalar by scalar, so a combining mark right
    /// after a separator or `~` neither hides it nor joins two tokens.
    @Test func pointerSplitsOnScalars() throws {
        #expect(try JSONPointer("/a/\u{301}b").tokens == ["a", "\u{301}b"])
        #expect(try JSONPointer("/a~1\u{301}b/c").tokens == ["a/\u{301}b", "c"])
        #expect(try JSONPointer("/~0/\u{301}").tokens == ["~", "\u{301}"])
        #expect(throws: JSONPointer.ParseError.invalidEscape) { try JSONPointer("/a~\u{301}") }
    }
}
