import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// Property: whatever a department sends (known fields, renamed and look-alike keys, new nested fields, wrong
/// shapes, personal data in every position and every spelling the README lists), no planted ID number, phone
/// number, card number or e-mail address reaches a clerk or land_records, and every scalar served is one their
/// view names. Bodies come from a seeded generator of our own; a failure prints the seed, and
/// `VIEW_PROPERTY_SEED=<seed>` replays it.
struct ViewPropertyTests {
    static let config = try! JSON.parse(FileBytes.read(Repository.bundledConfig)!)
    static let roles = try! GatewayConfig.load(path: Repository.bundledConfig).roles
    static let bodiesPerSource = 150

    /// The view paths the shipped config names for `role` and `source`, with their treatments, as written.
    static func namedPaths(_ role: String, _ source: String) -> [(path: String, treatment: String)] {
        (config["roles"]?[role]?["views"]?[source]?.members ?? []).map { ($0.key, $0.value.string!) }
    }

    @Test(arguments: [("clerk", "land"), ("clerk", "tax"), ("clerk", "house"), ("land_records", "land")])
    func noPlantedPersonalDataIsServed(_ role: String, _ source: String) throws {
        let baseSeed = ProcessInfo.processInfo.environment["VIEW_PROPERTY_SEED"].flatMap { UInt64($0) }
            ?? UInt64(0x5EED_0000) &+ UInt64(source.utf8.reduce(0) { $0 &* 31 &+ Int($1) })
        let named = Self.namedPaths(role, source)
        let view = try #require(Self.roles[role]).view(for: source)
        for index in 0..<Self.bodiesPerSource {
            let seed = baseSeed &+ UInt64(index)
            var generator = BodyGenerator(seed: seed, named: named)
            let body = generator.body()
            let text = body.jsonText
            let outcome = SourceOutcome.answered(text, source: source, view: view)
            let data = try #require(outcome.data, "refused: \(outcome.error ?? "")")
            // Decoded, so that a spelling the JSON text escapes (a line break) is read as served.
            let served = JSONTree.decodedText(of: try JSON.parse(data)) + "|" + outcome.withheld.listed.joined(separator: "|")
            let digits = PlantedPII.digitForm(served)
            let lowered = served.precomposedStringWithCompatibilityMapping.lowercased()
            for secret in generator.planted {
                let leaked = secret.isEmail ? lowered.contains(secret.value) : digits.contains(secret.value)
                #expect(!leaked, "\(role)/\(source): \(secret.value) served; replay with VIEW_PROPERTY_SEED=\(seed)\nbody: \(text)\nserved: \(served)")
                if leaked { return }
            }
            let allowed = Set(named.filter { $0.treatment != "redact" }.map(\.path))
            let prefixes = Set(named.flatMap { entry in
                entry.path.split(separator: "/").indices.map { "/" + entry.path.split(separator: "/")[...$0].joined(separator: "/") }
            })
            for (path, isNull) in JSONTree.scalarPaths(of: try JSON.parse(data)) {
                #expect(allowed.contains(path) || (isNull && prefixes.contains(path)),
                        "\(role)/\(source): \(path) served, not in the view; replay with VIEW_PROPERTY_SEED=\(seed)")
            }
        }
    }

    /// The generator itself plants what it says, in the spellings it says: each secret is in the body it made.
    @Test func generatorPlantsWhatItReports() throws {
        var generator = BodyGenerator(seed: 42, named: Self.namedPaths("clerk", "tax"))
        var found = 0
        for _ in 0..<50 {
            generator.planted = []
            let text = generator.body().jsonText
            let decoded = JSONTree.decodedText(of: try JSON.parse(text))
            let digits = PlantedPII.digitForm(decoded)
            let lowered = decoded.precomposedStringWithCompatibilityMapping.lowercased()
            for secret in generator.planted {
                #expect(secret.isEmail ? lowered.contains(secret.value) : digits.contains(secret.value), "\(secret.value) not in \(text)")
                found += 1
            }
        }
        #expect(found > 200)
    }
}

/// A JSON value of the generator, written out by its own serializer (not the code under test).
indirect enum JSONTree {
    case object([(String, JSONTree)])
    case array([JSONTree])
    case string(String)
    case integer(Int)
    case real(Double)
    case bool(Bool)
    case null

    var jsonText: String {
        switch self {
        case .object(let members): "{" + members.map { Self.quoted($0.0) + ":" + $0.1.jsonText }.joined(separator: ",") + "}"
        case .array(let elements): "[" + elements.map(\.jsonText).joined(separator: ",") + "]"
        case .string(let text): Self.quoted(text)
        case .integer(let value): String(value)
        case .real(let value): value.description
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case _ where scalar.value < 0x20: String(format: "\\u%04x", scalar.value)
            default: String(scalar)
            }
        }.joined() + "\""
    }

    /// Every key and scalar of `value` as a reader sees it, JSON escapes decoded (a `\n` between digits is a line
    /// break), numbers as written, each followed by `|`: what the leak checks read.
    static func decodedText(of value: JSON) -> String {
        switch value.kind {
        case .object: value.members.map { $0.key + "|" + decodedText(of: $0.value) }.joined()
        case .array: value.elements.map { decodedText(of: $0) }.joined()
        case .string: value.string! + "|"
        default: value.encodedString() + "|"
        }
    }

    /// Every scalar's path in `value`, view-style (`*` for indices), and whether it is `null`.
    static func scalarPaths(of value: JSON, _ prefix: String = "") -> [(String, Bool)] {
        switch value.kind {
        case .object:
            value.members.flatMap { scalarPaths(of: $0.value, prefix + "/" + $0.key.replacing("~", with: "~0").replacing("/", with: "~1")) }
        case .array: value.elements.flatMap { scalarPaths(of: $0, prefix + "/*") }
        default: [(prefix, value.isNull)]
        }
    }
}

/// One planted item: what must never be served, in canonical form (ASCII digits and `X`, or a lower-case address).
struct PlantedPII: Hashable {
    let value: String
    let isEmail: Bool

    /// `text` with every decimal digit in any script as its ASCII digit, `X`/`x` as `X`, white space, dashes,
    /// dots, brackets and what prints nothing (format characters, combining marks, controls) dropped, and
    /// everything else a boundary (`|`): a number spelled any way the README allows reads as its plain digits,
    /// and two numbers apart stay apart. NFKC (Foundation's) first.
    static func digitForm(_ text: String) -> String {
        var visible = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            let category = scalar.properties.generalCategory
            let printsNothing = [.format, .nonspacingMark, .enclosingMark].contains(category)
                || scalar.properties.isDefaultIgnorableCodePoint || (category == .control && !scalar.properties.isWhitespace)
            if !printsNothing { visible.append(scalar) }
        }
        var form = ""
        for character in String(visible) {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
               scalar.properties.generalCategory == .decimalNumber, let value = character.wholeNumberValue {
                form.append(String(value))
            } else if character == "X" || character == "x" {
                form.append("X")
            } else if character.isWhitespace || ".()".contains(character)
                        || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .dashPunctuation }) {
                continue
            } else {
                form.append("|")
            }
        }
        return form
    }
}

/// Random department bodies around a view's paths, with personal data planted everywhere.
struct BodyGenerator {
    var random: SeededGenerator
    let named: [(path: String, treatment: String)]
    var planted: [PlantedPII] = []

    init(seed: UInt64, named: [(path: String, treatment: String)]) {
        random = SeededGenerator(state: seed)
        self.named = named
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &random)] }
    mutating func digits(_ count: Int) -> String { (0..<count).map { _ in String(Int.random(in: 0...9, using: &random)) }.joined() }

    // MARK: bodies

    /// A body: the view's paths (some missing, some in the wrong shape), new members at every level.
    mutating func body() -> JSONTree {
        var tree = PathTree()
        for (path, treatment) in named where !chance(10) {
            tree.insert(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init), treatment: treatment)
        }
        return .object(members(of: tree, depth: 0))
    }

    /// The named paths below one node, as members, plus new ones.
    private mutating func members(of tree: PathTree, depth: Int) -> [(String, JSONTree)] {
        var result: [(String, JSONTree)] = []
        for (key, child) in tree.children {
            if child.elements != nil {
                let count = Int.random(in: 0...3, using: &random)
                result.append((key, .array((0..<count).map { _ in element(of: child.elements!, depth: depth + 1) })))
            } else if let treatment = child.treatment {
                result.append((key, leaf(treatment, depth: depth + 1)))
            } else {
                result.append((key, chance(5) ? scalar() : .object(members(of: child, depth: depth + 1))))
            }
            if chance(15) { result.append(unknownMember(near: key, depth: depth + 1)) }
        }
        for _ in 0..<Int.random(in: 0...2, using: &random) { result.append(unknownMember(near: pick(["name", "phone", "remark"]), depth: depth + 1)) }
        return Self.uniqueKeys(result.shuffled(using: &random))
    }

    /// A body with a key twice is refused whole (invalid_response): a repeated key gets a suffix.
    static func uniqueKeys(_ members: [(String, JSONTree)]) -> [(String, JSONTree)] {
        var seen: Set<String> = []
        return members.map { key, value in
            var unique = key
            while !seen.insert(unique).inserted { unique += "_" }
            return (unique, value)
        }
    }

    private mutating func element(of tree: PathTree, depth: Int) -> JSONTree {
        if let treatment = tree.treatment { return leaf(treatment, depth: depth) }
        if tree.elements != nil { return .array([element(of: tree.elements!, depth: depth + 1)]) }
        return chance(5) ? scalar() : .object(members(of: tree, depth: depth))
    }

    /// A named leaf: usually a scalar holding personal data (in a clear field: inside text), sometimes a container.
    private mutating func leaf(_ treatment: String, depth: Int) -> JSONTree {
        if chance(8) { return subtree(depth: depth) }
        switch (treatment, Int.random(in: 0..<10, using: &random)) {
        case ("clear", 0..<6): return .string(text())
        case ("clear", 6): return number()
        case (_, 7): return .null
        case (_, 8): return .bool(chance(50))
        default: return chance(70) ? .string(plant()) : number()
        }
    }

    /// A member no view names: a look-alike or new key, sometimes itself personal data, holding anything.
    private mutating func unknownMember(near key: String, depth: Int) -> (String, JSONTree) {
        let newKey: String
        switch Int.random(in: 0..<9, using: &random) {
        case 0: newKey = key.replacing("a", with: "а").replacing("e", with: "е").replacing("o", with: "о")  // Cyrillic
        case 1: newKey = key.prefix(1).uppercased() + key.dropFirst()
        case 2: newKey = key + " "
        case 3: newKey = String(key.unicodeScalars.map { $0.value < 0x7F && $0.value > 0x20 ? Character(Unicode.Scalar($0.value + 0xFEE0)!) : Character($0) })
        case 4: newKey = key + "\u{200B}"
        case 5: newKey = pick(["姓名", "电话", "身份证号", "owner_alias", "former_name", "spouse", "agent", "payer_mobile", "remark2"])
        case 6: newKey = plant()
        default: newKey = pick(["x", "extra", "new_field", "备注", "联系人"]) + String(Int.random(in: 0..<100, using: &random))
        }
        return (newKey, chance(60) ? subtree(depth: depth) : .string(text()))
    }

    /// Any nested value with personal data inside.
    private mutating func subtree(depth: Int) -> JSONTree {
        guard depth < 6 else { return .string(text()) }
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            return .object(Self.uniqueKeys((0..<Int.random(in: 0...3, using: &random)).map { _ in unknownMember(near: "name", depth: depth + 1) }))
        case 1: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in subtree(depth: depth + 1) })
        case 2: return number()
        default: return .string(text())
        }
    }

    private mutating func scalar() -> JSONTree {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: .string(text())
        case 1: .null
        case 2: .bool(true)
        default: .integer(Int.random(in: 0...9999, using: &random))
        }
    }

    /// A personal number as a JSON number, or a harmless one.
    private mutating func number() -> JSONTree {
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            let (plain, value) = mobile()
            planted.append(PlantedPII(value: value, isEmail: false))
            return .integer(Int(plain)!)
        case 1:
            var value = idNumber18(check: true, x: false)
            while value.hasSuffix("X") { value = idNumber18(check: true, x: false) }
            if chance(50) {
                planted.append(PlantedPII(value: value, isEmail: false))
                return .integer(Int(value)!)
            }
            // As a real it is written `3.4150219880314026e+17`: its first 14 digits are what surely shows.
            planted.append(PlantedPII(value: String(value.prefix(14)), isEmail: false))
            return .real(Double(value)!)
        case 2:
            let (plain, value) = mobile()
            planted.append(PlantedPII(value: value, isEmail: false))
            return .real(Double(plain)!)
        case 3:
            // Written `0.13812345678` (a last 0 would not be written).
            var (plain, value) = mobile()
            while plain.hasSuffix("0") { (plain, value) = mobile() }
            planted.append(PlantedPII(value: value, isEmail: false))
            return .real(Double("0." + plain)!)
        case 4:
            // Written `3.4150219880314026e-05`, or with the last digits rounded away: the first 14 surely show.
            let value = idNumber18(check: true, x: false)
            planted.append(PlantedPII(value: String(value.prefix(14)), isEmail: false))
            return .real(Double("0.0000" + value.prefix(17))!)
        default:
            return chance(50) ? .integer(Int.random(in: 0...9_999_999, using: &random)) : .real(Double(Int.random(in: 0...99_999, using: &random)) / 100)
        }
    }

    // MARK: text

    /// Free text: words without digits, personal data planted anywhere, sometimes two items with only separators
    /// (or nothing) between them, so that ignoring separators could merge them.
    mutating func text() -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            text += filler()
            if chance(60) { text += plant() }
            if chance(25) {
                text += pick(["", " ", " - ", "\u{3000}", "\u{A0}", ". "])
                text += plant()
            }
        }
        return text + filler()
    }

    private mutating func filler() -> String {
        let words = ["联系人", "李雷", "电话", "身份证", "备注", "已缴清", "办理", "Tel", "ID", "mail", "，", "。", "：", " ", "X", "号", "ext", "(", ")", "-", "、"]
        return (0..<Int.random(in: 0...3, using: &random)).map { _ in pick(words) }.joined()
    }

    // MARK: personal data

    /// One planted item in a random spelling; its canonical form is noted.
    mutating func plant() -> String {
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            let value = idNumber18(check: chance(70), x: chance(20))
            if chance(20) {
                // The first 17 digits are the whole number; what follows them is no check character.
                let first17 = String(value.prefix(17))
                planted.append(PlantedPII(value: first17, isEmail: false))
                return spell(first17, groups: [6, 8, 3]) + pick(["", "Y", "×", "Ⅹ", "号"])
            }
            planted.append(PlantedPII(value: value, isEmail: false))
            return spell(value, groups: [6, 8, 4])
        case 1:
            let value = pick(["340102", "341502", "110101"]) + digits(2) + pick(["01", "06", "12"]) + pick(["03", "15", "28"]) + digits(3)
            planted.append(PlantedPII(value: value, isEmail: false))
            return spell(value, groups: [6, 6, 3])
        case 2:
            let (plain, value) = mobile()
            planted.append(PlantedPII(value: value, isEmail: false))
            let prefixed = pick(["", "+86", "+86 ", "86", "0086", "0086 ", "0"]) + spell(plain, groups: [3, 4, 4])
            return prefixed
        case 3:
            let area = pick(["010", "021", "0564", "0551", "0755"])
            let local = String(Int.random(in: 2...9, using: &random)) + digits(area.count == 3 ? 7 : 6)
            let areaWithoutTrunk = String(area.dropFirst())
            // Written with the country code, a landline has no trunk 0: the area code and number are what matter.
            planted.append(PlantedPII(value: areaWithoutTrunk + local, isEmail: false))
            return pick([area + "-" + local, "(" + area + ")" + local, "（" + area + "）" + local, area + " " + local,
                         "+86 " + areaWithoutTrunk + " " + local, "0086 " + areaWithoutTrunk + "-" + local, fullWidth(area + local)])
        case 4:
            let value = cardNumber()
            planted.append(PlantedPII(value: value, isEmail: false))
            return spell(value, groups: [4, 4, 4, 4, 4])
        default:
            let local = (0..<Int.random(in: 3...8, using: &random)).map { _ in pick(Array("abcdefghijklmnopqrstuvwxyz")) }
            let value = String(local) + pick(["", ".li", "_2024", "+tax"]) + "@" + pick(["example", "mail.la.gov", "qq", "163"]) + "."
                + pick(["com", "cn", "org", "net"])
            planted.append(PlantedPII(value: value, isEmail: true))
            return chance(25) ? fullWidth(value) : value
        }
    }

    /// `digits` written plain, in groups with one kind of separator, in full-width or Arabic-Indic digits, or
    /// with a character that prints nothing after every digit.
    private mutating func spell(_ digits: String, groups: [Int]) -> String {
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1: return digits
        case 7:
            let invisible = pick(["\u{200B}", "\u{200D}", "\u{AD}", "\u{301}", "\u{FE0F}", "\u{3164}"])
            return digits.map { "\($0)" + invisible }.joined()
        case 2, 3:
            let separator = pick([" ", "-", ".", "\u{A0}", "\u{3000}", "—", "\n", "\r\n", "⸺", "〜", "﹒", "\u{200B}"])
            var parts: [String] = []
            var rest = Substring(digits)
            for size in groups where !rest.isEmpty {
                parts.append(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            if !rest.isEmpty { parts.append(String(rest)) }
            return parts.joined(separator: separator)
        case 4: return fullWidth(digits)
        case 5: return String(digits.map { $0.isASCII && $0.isNumber ? Character(Unicode.Scalar(0x0660 + UInt32(String($0))!)!) : $0 })
        default: return String(digits.map { $0.isASCII && $0.isNumber ? Character(Unicode.Scalar(0x1D7CE + UInt32(String($0))!)!) : $0 })
        }
    }

    private func fullWidth(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value > 0x20 && $0.value < 0x7F ? Character(Unicode.Scalar($0.value + 0xFEE0)!) : Character($0) })
    }

    /// A mobile number, and the same as its canonical form.
    private mutating func mobile() -> (String, String) {
        let value = "1" + String(Int.random(in: 3...9, using: &random)) + digits(9)
        return (value, value)
    }

    /// An 18-character ID number with a real birth date; its check character right or wrong, or an X.
    private mutating func idNumber18(check: Bool, x: Bool) -> String {
        let body = pick(["340102", "341502", "341503", "110101"]) + String(Int.random(in: 1950...2005, using: &random))
            + String(format: "%02d%02d", Int.random(in: 1...12, using: &random), Int.random(in: 1...28, using: &random)) + digits(3)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(weights, body).reduce(0) { $0 + $1.0 * Int(String($1.1))! }
        let right = Array("10X98765432")[sum % 11]
        if x { return body + "X" }
        if check { return body + String(right) }
        let wrong = Array("0123456789").first { $0 != right }!
        return body + String(wrong)
    }

    /// A card number of a real network (UnionPay 62, Visa 4, domestic 9558) with a valid Luhn digit.
    private mutating func cardNumber() -> String {
        let prefix = pick(["622202", "621700", "4", "9558"])
        let length = prefix == "9558" ? 19 : Int.random(in: 16...19, using: &random)
        let body = prefix + digits(length - 1 - prefix.count)
        for check in 0...9 {
            let candidate = body + String(check)
            let sum = candidate.reversed().enumerated().reduce(0) { total, item in
                let digit = Int(String(item.element))! * (item.offset % 2 == 1 ? 2 : 1)
                return total + (digit > 9 ? digit - 9 : digit)
            }
            if sum % 10 == 0 { return candidate }
        }
        preconditionFailure("some check digit always satisfies Luhn")
    }
}

/// The named paths as a tree of keys, the `*` child as `elements`.
struct PathTree {
    var children: [(String, PathTree)] = []
    /// The `*` child, if any (an array of at most one: a struct cannot hold an optional of itself).
    private var elementChild: [PathTree] = []
    var treatment: String?

    var elements: PathTree? {
        get { elementChild.first }
        set { elementChild = newValue.map { [$0] } ?? [] }
    }

    mutating func insert(_ segments: [String], treatment: String) {
        guard let first = segments.first else {
            self.treatment = treatment
            return
        }
        let rest = Array(segments.dropFirst())
        if first == "*" {
            var child = elements ?? PathTree()
            child.insert(rest, treatment: treatment)
            elements = child
        } else if let index = children.firstIndex(where: { $0.0 == first }) {
            children[index].1.insert(rest, treatment: treatment)
        } else {
            var child = PathTree()
            child.insert(rest, treatment: treatment)
            children.append((first, child))
        }
    }
}
