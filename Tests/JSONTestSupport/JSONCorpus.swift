import GatewayJSON

/// Generated JSON texts for the differential tests against jansson: valid documents, documents
/// with one planted fault of a given class, and mutations of the department fixtures. Whether a
/// text is valid is jansson's to say, not the generator's: it only makes sure that every class of
/// fault turns up, next to near misses that are valid.
public struct JSONCorpus {
    var random: SplitMix64

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    // MARK: valid documents

    /// A document of up to 5 levels: any member order, any escaping of the same text (raw UTF-8,
    /// short escapes, `\u` in either case, surrogate pairs), white space between any tokens, and
    /// numbers up to the edges of int64 and double.
    public mutating func document() -> [UInt8] {
        var planted: [UInt8]?
        return document(planting: &planted)
    }

    /// A document with `fault` put in place of one value (or, when no value was drawn for it,
    /// after the document in an array).
    public mutating func document(with fault: Fault) -> [UInt8] {
        switch fault {
        case .truncation:
            let text = document()
            return Array(text.prefix(Int.random(in: 0..<text.count, using: &random)))
        case .trailing:
            return document() + pick(Self.trailingJunk)
        case .topLevel:
            // jansson wants an object or array at the top (no JSON_DECODE_ANY), after white space only.
            return Array(pick(["", " ", "1", "\"a\"", "true", "null", "\u{FEFF}{}", "\u{FEFF}[]", "-", " \n{}", "\t[]", "\u{0C}{}"]).utf8)
        default:
            var planted: [UInt8]? = fragment(for: fault, depth: Int.random(in: 1...4, using: &random))
            let text = document(planting: &planted)
            guard let planted else { return text }
            return Array("[".utf8) + text + Array(",".utf8) + planted + Array("]".utf8)
        }
    }

    private mutating func document(planting planted: inout [UInt8]?) -> [UInt8] {
        var text: [UInt8] = []
        space(&text)
        if Bool.random(using: &random) {
            object(depth: 1, into: &text, planting: &planted)
        } else {
            array(depth: 1, into: &text, planting: &planted)
        }
        space(&text)
        return text
    }

    private mutating func value(depth: Int, into text: inout [UInt8], planting planted: inout [UInt8]?) {
        if let fault = planted, Int.random(in: 0..<8, using: &random) == 0 {
            text += fault
            planted = nil
            return
        }
        let roll = Int.random(in: 0..<10, using: &random)
        switch roll {
        case 0...1 where depth < 5: object(depth: depth + 1, into: &text, planting: &planted)
        case 2 where depth < 5: array(depth: depth + 1, into: &text, planting: &planted)
        case 0...4: string(randomText(), into: &text)
        case 5...7: text += number()
        default: text += pick(["true", "false", "null"]).utf8
        }
    }

    private mutating func object(depth: Int, into text: inout [UInt8], planting planted: inout [UInt8]?) {
        text.append(UInt8(ascii: "{"))
        var keys = Set<[UInt8]>()
        for index in 0..<Int.random(in: 0...5, using: &random) {
            let key = randomText(maxLength: 4)
            guard keys.insert(key).inserted else { continue }
            if index > 0 { comma(&text) }
            space(&text)
            string(key, into: &text)
            space(&text)
            text.append(UInt8(ascii: ":"))
            space(&text)
            value(depth: depth, into: &text, planting: &planted)
            space(&text)
        }
        text.append(UInt8(ascii: "}"))
    }

    private mutating func array(depth: Int, into text: inout [UInt8], planting planted: inout [UInt8]?) {
        text.append(UInt8(ascii: "["))
        for index in 0..<Int.random(in: 0...5, using: &random) {
            if index > 0 { comma(&text) }
            space(&text)
            value(depth: depth, into: &text, planting: &planted)
            space(&text)
        }
        text.append(UInt8(ascii: "]"))
    }

    /// Scalars a string is drawn from: ASCII, what must be escaped, 2-, 3- and 4-byte UTF-8, and
    /// the edges (U+007F, U+2028, U+FEFF, U+FFFF, U+10FFFF); never U+0000, which jansson refuses.
    private static let alphabet: [Unicode.Scalar] = Array("abcXYZ019 _-.:,{}[]\"\\/'é中张三😀".unicodeScalars)
        + [0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x7F, 0x80, 0x7FF, 0x800, 0x2028, 0xD7FF, 0xE000, 0xFEFF, 0xFFFF, 0x10000, 0x10FFFF]
        .map { Unicode.Scalar($0)! }

    private mutating func randomText(maxLength: Int = 8) -> [UInt8] {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &random) { scalars.append(pick(Self.alphabet)) }
        return Array(String(scalars).utf8)
    }

    /// `utf8` as a JSON string, each scalar written one of the ways JSON allows, drawn at random.
    private mutating func string(_ utf8: [UInt8], into text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            let short: String? = switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "/": Bool.random(using: &random) ? "\\/" : nil
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: nil
            }
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if let short, mustEscape || Bool.random(using: &random) {
                text += short.utf8
            } else if mustEscape || Int.random(in: 0..<4, using: &random) == 0 {
                for unit in String(scalar).utf16 { text += unicodeEscape(unit) }
            } else {
                text += String(scalar).utf8
            }
        }
        text.append(UInt8(ascii: "\""))
    }

    private mutating func unicodeEscape(_ unit: UInt16) -> [UInt8] {
        let hex = String(unit, radix: 16)
        let padded = String(repeating: "0", count: 4 - hex.count) + hex
        return Array("\\u".utf8) + Array((Bool.random(using: &random) ? padded.uppercased() : padded).utf8)
    }

    private mutating func number() -> [UInt8] {
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            return Array(String(Int.random(in: -1000...1000, using: &random)).utf8)
        case 1:
            return Array(String(Int64.random(in: .min ... .max, using: &random)).utf8)
        case 2:
            return Array(pick(Self.edgeNumbers).utf8)
        default:
            // Digits, a fraction, an exponent: any of them, spelled any way RFC 8259 allows.
            var text = Bool.random(using: &random) ? "-" : ""
            text += Bool.random(using: &random) ? "0" : String(Int.random(in: 1...999_999, using: &random))
            if Bool.random(using: &random) { text += "." + digits(Int.random(in: 1...20, using: &random)) }
            if Bool.random(using: &random) {
                text += pick(["e", "E"]) + pick(["", "+", "-"]) + pick(["0", "00", ""]) + String(Int.random(in: 0...300, using: &random))
            }
            if !text.contains("."), !text.contains("e"), !text.contains("E") { text += ".5" }
            return Array(text.utf8)
        }
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in pick(Array("0123456789")) })
    }

    /// Valid numbers at the edges of what jansson keeps.
    private static let edgeNumbers = [
        "0", "-0", "0.0", "-0.0", "9223372036854775807", "-9223372036854775808", "1e308", "1.7976931348623157e308",
        "-1.7976931348623158e308", "0.01e310", "10e307", "4.9e-324", "2.2250738585072014e-308", "1e-400", "-1e-99999999999999999999",
        "0e99999999999999999999", "0.000e400", "123456789012345678901234567890.0", "1E+2", "1.50",
    ]

    private mutating func space(_ text: inout [UInt8]) {
        for _ in 0..<Int.random(in: 0...2, using: &random) where Bool.random(using: &random) {
            text += pick([" ", "\n", "\r", "\t", "  "]).utf8
        }
    }

    private mutating func comma(_ text: inout [UInt8]) {
        space(&text)
        text.append(UInt8(ascii: ","))
    }

    // MARK: planted faults

    /// The classes of fault the invalid corpus plants: each draws from near misses too.
    public enum Fault: CaseIterable, Sendable {
        case utf8, controlCharacter, escape, nul, surrogate, integer, real, numberSyntax, literal, duplicateKey, depth,
             structure, whiteSpace, truncation, trailing, topLevel
    }

    /// A value with a fault of class `fault` (or a near miss), for a place `depth` levels down.
    private mutating func fragment(for fault: Fault, depth: Int) -> [UInt8] {
        switch fault {
        case .utf8:
            return Array("\"a".utf8) + pick(Self.utf8Sequences) + Array("b\"".utf8)
        case .controlCharacter:
            return Array("\"a".utf8) + [UInt8(Int.random(in: 0...0x20, using: &random))] + Array("\"".utf8)
        case .escape:
            return Array("\"a\(pick(Self.escapes))b\"".utf8)
        case .nul:
            return Array(pick([#""\u0000""#, #"{"\u0000":1}"#, #"{"a\u0000b":1}"#, #""a\u0000""#, #""\u0001""#, #"{"\u0001":1}"#]).utf8)
        case .surrogate:
            return Array(pick([#""\uD800""#, #""\uDBFF\uDFFF""#, #""\uDC00""#, #""\uD800\uD800""#, #""\uD800\u0041""#, #""\uD800\uE000""#,
                               #""\uDBFF\uFFFF""#, #""\uDFFF\uD800""#, #""\uD83D\uDE00""#, #""\ud83d\ude00""#, #""\uD800x""#,
                               #""\uD800\n""#, #"{"\uDE00":1}"#]).utf8)
        case .integer:
            return Array(pick(["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                               "99999999999999999999", "-99999999999999999999", "10000000000000000000", "18446744073709551616",
                               "9223372036854775806", "922337203685477580"]).utf8)
        case .real:
            return Array(pick(["1e309", "-1e309", "1.7976931348623159e308", "1.7976931348623158e308", "1.7976931348623157e308",
                               "0.1e310", "0.01e310", "1e99999999999999999999", "17976931348623159e292", "17976931348623157e292",
                               Self.halfwayPastLargestDouble + "2.0", Self.halfwayPastLargestDouble + "1.0",
                               Self.halfwayPastLargestDouble + "2",
                               String(repeating: "9", count: 400) + ".0", "1000e305", "99999e304", "1e-400", "1.0e+308"]).utf8)
        case .numberSyntax:
            return Array(pick(["01", "-01", "1.", "-", ".5", "+1", "1e", "1e+", "1E-", "1.e5", "-.5", "0x10", "1_000", "1.5.5", "1e5e5",
                               "--1", "- 1", "00", "0.5", "-0", "1e0", "1E+0"]).utf8)
        case .literal:
            return Array(pick(["tru", "nul", "fals", "True", "NULL", "nan", "NaN", "Infinity", "-Infinity", "truex", "true", "null",
                               "false", "undefined", "'a'"]).utf8)
        case .duplicateKey:
            return Array(pick([#"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"é":1,"\u00e9":2}"#, #"{"é":1,"\u00C9":2}"#,
                               #"{"😀":1,"\ud83d\ude00":2}"#, #"{"a":{"a":1},"b":{"a":1}}"#, #"{"a":1,"b":2,"c":3,"a":4}"#,
                               #"{"":1,"":2}"#, #"{"a\/b":1,"a/b":2}"#, #"{"ab":1,"a":2,"b":3}"#,
                               manyKeys(duplicate: true), manyKeys(duplicate: false)]).utf8)
        case .depth:
            let levels = JSONScanner.maxDepth - depth + Int.random(in: -2...2, using: &random)
            let (open, close) = pick([("[", "]"), ("{\"a\":", "}")])
            let inner = pick(["", "1", "{}", "[]", "\"s\""])
            let body = open == "[" ? inner : (inner.isEmpty ? "null" : inner)
            return Array((String(repeating: open, count: levels) + body + String(repeating: close, count: levels)).utf8)
        case .structure:
            return Array(pick(["[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\" 1}", "{1:2}", "[1 2]", "{\"a\":1 \"b\":2}", "[1,,2]",
                               "{\"a\"::1}", "[}", "{]", "[", "{", "]", "}", ":", ",", "{\"a\":}", "[[]", "[]]", "{'a':1}", "[1,2]",
                               "{\"a\":[1,{\"b\":null}]}"]).utf8)
        case .whiteSpace:
            return Array(pick(["\u{0C}1", "\u{0B}1", "\u{A0}1", "\u{2028}1", "\u{FEFF}1", "\u{85}1", " \t\r\n1", "\u{00}1", "1\u{00}",
                               "true\u{00}", "\"a\"\u{00}"]).utf8)
        case .truncation, .trailing, .topLevel:
            preconditionFailure("whole-text faults are made in document(with:)")
        }
    }

    /// With a last digit 2, the exact halfway point between the largest double and 2^1024, which
    /// `strtod` rounds (to even) to infinity; with 1, a number just below it, the largest double.
    public static let halfwayPastLargestDouble =
        "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070"
        + "9633028641669288791094655554785194040263065748867150582068190890200070838367627385484581771153176447"
        + "5730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904"
        + "17449779"

    /// An object of 40 keys (past the scanner's switch to a hash index), with or without a
    /// duplicate among them.
    private mutating func manyKeys(duplicate: Bool) -> String {
        var keys = (0..<40).map { "k\($0)" }
        if duplicate { keys[Int.random(in: 1..<40, using: &random)] = "k0" }
        return "{" + keys.shuffled(using: &random).map { "\"\($0)\":0" }.joined(separator: ",") + "}"
    }

    /// Well-formed and ill-formed UTF-8 at the edges of Unicode's table of well-formed sequences.
    private static let utf8Sequences: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xC2, 0x41], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xE4, 0x41, 0x80],
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
    ]

    private static let escapes = [
        #"\x41"#, #"\u12G4"#, #"\u12"#, #"\U0041"#, #"\'"#, #"\a"#, #"\0"#, #"\u00e9"#, #"\uFFFF"#, #"\/"#, #"\b"#, #"\"#,
        #"\u0020"#, #"\uD7FF"#, #"\uE000"#, #"\u"#, "\\\u{E9}",
    ]

    private static let trailingJunk = [",", "x", "{}", "]", "}", "0", " \n", "\u{00}", "\"", "/", "\u{FEFF}"].map { Array($0.utf8) }

    // MARK: fixture mutations

    /// How a fixture is changed.
    public enum Mutation: CaseIterable, Sendable {
        case byteFlip, truncation, insertion, deletion, duplicateKey, deepNesting, bigNumber, badUTF8, escape
    }

    /// `fixture` changed by `mutation`, at a place drawn at random.
    public mutating func mutate(_ fixture: [UInt8], by mutation: Mutation) -> [UInt8] {
        var text = fixture
        let offset = Int.random(in: 0..<text.count, using: &random)
        switch mutation {
        case .byteFlip:
            text[offset] ^= 1 << UInt8.random(in: 0...7, using: &random)
        case .truncation:
            text.removeSubrange(offset...)
        case .insertion:
            text.insert(contentsOf: pick(Self.insertions), at: offset)
        case .deletion:
            text.removeSubrange(offset..<min(text.count, offset + Int.random(in: 1...3, using: &random)))
        case .duplicateKey:
            // Before a key, the same key again (or, as a near miss, one differing in its last byte).
            let keyEnds = text.indices.dropLast().filter { text[$0] == UInt8(ascii: "\"") && text[$0 + 1] == UInt8(ascii: ":") }
            let end = pick(keyEnds)
            let start = text[..<end].lastIndex(of: UInt8(ascii: "\""))!
            var key = Array(text[start...end])
            switch Int.random(in: 0..<3, using: &random) {
            case 0: break
            case 1: key.replaceSubrange(1..<2, with: unicodeEscape(UInt16(key[1])))
            default: key[key.count - 2] ^= 0x01
            }
            text.insert(contentsOf: key + Array(":null,".utf8), at: start)
        case .deepNesting:
            let levels = JSONScanner.maxDepth - Int.random(in: 0...6, using: &random)
            text = Array(repeating: UInt8(ascii: "["), count: levels) + text + Array(repeating: UInt8(ascii: "]"), count: levels)
        case .bigNumber:
            let numberStarts = text.indices.dropFirst().filter { text[$0].isDigit && !text[$0 - 1].isDigit }
            guard let start = numberStarts.randomElement(using: &random) else { break }
            let end = text[start...].firstIndex { !$0.isDigit } ?? text.count
            text.replaceSubrange(start..<end, with: pick(Self.bigNumbers).utf8)
        case .badUTF8:
            // Into Chinese text: a sequence cut, replaced or interrupted.
            guard let start = text.indices.filter({ text[$0] >= 0xC0 }).randomElement(using: &random) else { break }
            text.insert(contentsOf: pick(Self.utf8Sequences), at: start + Int.random(in: 0...2, using: &random))
        case .escape:
            guard let quote = text.indices.filter({ text[$0] == UInt8(ascii: "\"") }).randomElement(using: &random) else { break }
            text.insert(contentsOf: pick(Self.escapes).utf8, at: quote + 1)
        }
        return text
    }

    private static let insertions: [[UInt8]] = [",", ":", "{", "}", "[", "]", "\"", "\\", "0", "-", ".", "e", " ", "\u{0C}", "\u{00}",
                                                "\\u0000", "\\uD800", "tru", "null", ",\"x\":1"].map { Array($0.utf8) } + utf8Sequences

    private static let bigNumbers = [
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1e309", "1e308",
        "1.7976931348623159e308", "4.9e-324", "1e-400", "0.1e310",
    ]

    private mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements.randomElement(using: &random)!
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}
