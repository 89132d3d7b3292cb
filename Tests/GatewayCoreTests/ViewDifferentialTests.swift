import Glibc
import GatewayCore
import GatewayJSON
import JSONTestSupport
import Testing

/// `ViewWriter` against the jansson walk it replaced (`SourceView.apply(to:)`, kept as the oracle in `Oracle/`): over
/// generated documents (valid, with planted faults), mutated and whole fixtures and the property test's bodies with
/// planted personal data, served through the shipped roles' views and through random views (random named views of
/// the body's own paths and of paths it lacks, random treatments, a view of everything, `detect_pii` on and off, an
/// `hmac` key or none), the two must agree on every body:
/// - accepted or refused (jansson's `JSON_REJECT_DUPLICATES` parse; the one documented difference, a NUL byte right
///   after a number or literal, which jansson 2.14 drops and the scanner refuses; an array body is "not an object");
/// - the served data, read by jansson, is the tree the oracle leaves, numbers included: the one difference, on
///   purpose, is a number served in clear with `detect_pii` whose text as sent holds personal data: the writer
///   serves that text masked, where the oracle serves the number as it is (`0.13812345678`, which the value's own
///   rule does not see) or masks its shortest form by the value's rule (`"***"` for a real of 17 or more digits);
/// - the withheld paths (with `withheld_more`) and the drift, listed and counted;
/// - the values captured for the checks, against jansson's values at the same pointers in the unmasked body.
///
/// Seeded: `VIEW_CORPUS_SEED` and `VIEW_CORPUS_SCALE` make another or a larger corpus; a failure names its case.
struct ViewDifferentialTests {
    static let seed: UInt64 = getenv("VIEW_CORPUS_SEED").flatMap { UInt64(String(cString: $0)) } ?? 1714
    static let scale: Int = getenv("VIEW_CORPUS_SCALE").flatMap { Int(String(cString: $0)) } ?? 1
    static let config = try! GatewayConfig.load(path: Repository.bundledConfig)
    static let shippedRoles = ["clerk", "land_records", "auditor"]

    /// Generated valid documents (half of them objects), each through random views.
    @Test func generatedDocuments() {
        var run = ViewDifferential(name: "generated document")
        for index in 0..<(3_000 * Self.scale) {
            var corpus = JSONCorpus(seed: Self.caseSeed(0, index))
            var random = SplitMix64(seed: Self.caseSeed(1, index))
            let body = corpus.document()
            run.check(body, views: RandomViews.make(for: body, using: &random), pointers: RandomViews.pointers(for: body, using: &random),
                      case: "#\(index)")
        }
        #expect(run.served > 1_000)
    }

    /// Documents with a planted fault of each class (or a near miss): refused, or accepted and served, as jansson says.
    @Test(arguments: JSONCorpus.Fault.allCases)
    func plantedFaults(_ fault: JSONCorpus.Fault) {
        var run = ViewDifferential(name: "\(fault) fault")
        for index in 0..<((fault == .depth ? 60 : 250) * Self.scale) {
            var corpus = JSONCorpus(seed: Self.caseSeed(2 + JSONCorpus.Fault.allCases.firstIndex(of: fault)!, index))
            var random = SplitMix64(seed: Self.caseSeed(0x40, index))
            let body = corpus.document(with: fault)
            run.check(body, views: RandomViews.make(for: body, using: &random), pointers: [], case: "#\(index)")
        }
        #expect(run.refused > 0)
    }

    /// Every fixture, mutated by each kind of mutation, through the shipped views of its department and a random view.
    @Test(arguments: JSONCorpus.Mutation.allCases)
    func fixtureMutations(_ mutation: JSONCorpus.Mutation) {
        var run = ViewDifferential(name: "\(mutation) mutation")
        for (fixtureIndex, fixture) in Fixtures.all.enumerated() {
            let department = String(fixture.name.split(separator: "/")[0])
            for round in 0..<((mutation == .deepNesting ? 2 : 8) * Self.scale) {
                var corpus = JSONCorpus(seed: Self.caseSeed(0x100 + fixtureIndex, round))
                var random = SplitMix64(seed: Self.caseSeed(0x200 + fixtureIndex, round))
                let body = corpus.mutate(fixture.bytes, by: mutation)
                let views = Self.shippedViews(of: department) + RandomViews.make(for: body, using: &random).prefix(1)
                run.check(body, source: department, views: views, pointers: Self.shippedPointers(of: department), case: "\(fixture.name) round \(round)")
            }
        }
        // A cut body and one in 2,000 arrays are never a department's object.
        #expect(run.refused > 0)
        #expect(run.served > 0 || mutation == .truncation || mutation == .deepNesting)
    }

    /// Every fixture as sent, through the shipped views and random ones, capturing what the shipped checks read.
    @Test func fixtures() {
        var run = ViewDifferential(name: "fixture")
        for (index, fixture) in Fixtures.all.enumerated() {
            let department = String(fixture.name.split(separator: "/")[0])
            var random = SplitMix64(seed: Self.caseSeed(0x300, index))
            let pointers = Self.shippedPointers(of: department) + RandomViews.pointers(for: fixture.bytes, using: &random)
            run.check(fixture.bytes, source: department, views: Self.shippedViews(of: department) + RandomViews.make(for: fixture.bytes, using: &random),
                      pointers: pointers, case: fixture.name)
        }
        #expect(run.refused == 0)
    }

    /// The property test's bodies (random keys and look-alikes, nesting, wrong shapes, personal data everywhere)
    /// through the shipped views and random ones.
    @Test(arguments: ["land", "tax", "house"])
    func plantedPersonalData(_ department: String) {
        var run = ViewDifferential(name: "\(department) body")
        for index in 0..<(150 * Self.scale) {
            var generator = BodyGenerator(seed: Self.caseSeed(0x400, index), named: ViewPropertyTests.namedPaths("clerk", department))
            var random = SplitMix64(seed: Self.caseSeed(0x500, index))
            let body = Array(generator.body().jsonText.utf8)
            let views = Self.shippedViews(of: department) + RandomViews.make(for: body, using: &random)
            run.check(body, source: department, views: views, pointers: Self.shippedPointers(of: department) + RandomViews.pointers(for: body, using: &random),
                      case: "#\(index)")
        }
        #expect(run.refused == 0)
    }

    /// The shipped roles' views of `department` (the roles that may read it).
    static func shippedViews(of department: String) -> [(String, SourceView)] {
        Self.shippedRoles.compactMap { name in
            config.roles[name].flatMap { $0.mayRead(department) ? ("\(name) view", $0.view(for: department)) : nil }
        }
    }

    /// What the shipped checks read in `department`.
    static func shippedPointers(of department: String) -> [JSONPointer] {
        config.checks.captures(for: department).pointers
    }

    static func caseSeed(_ stream: Int, _ index: Int) -> UInt64 {
        seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(stream) << 40 ^ UInt64(index)
    }
}

/// One differential run: checks bodies, counts verdicts, records what disagrees (the first few, whole).
struct ViewDifferential {
    let name: String
    private(set) var served = 0
    private(set) var refused = 0
    private var failures = 0

    init(name: String) {
        self.name = name
    }

    mutating func check(_ body: [UInt8], source: String = "land", views: [(String, SourceView)], pointers: [JSONPointer], case label: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let checks = ConsistencyChecks([ConsistencyCheck(code: "captured", severity: .info, message: "测试 / probe", comparison: .equal,
                                                         operands: pointers.map { .source(name: source, pointer: $0) })])
        for (viewName, view) in views {
            guard let problem = disagreement(body, source: source, view: view, checks: checks) else { continue }
            failures += 1
            guard failures <= 5 else { return }
            Issue.record("""
                \(name) \(label), \(viewName) (VIEW_CORPUS_SEED=\(ViewDifferentialTests.seed)): \(problem)
                view: \(view)
                body: \(String(decoding: body.prefix(3000), as: UTF8.self).debugDescription)
                """, sourceLocation: sourceLocation)
        }
    }

    private mutating func disagreement(_ body: [UInt8], source: String, view: SourceView, checks: ConsistencyChecks) -> String? {
        let outcome = SourceOutcome.answered(body, source: source, view: view, checks: checks)
        let original = try? JSON.parse(body)
        // jansson 2.14 drops a NUL byte right after a number or literal; the scanner refuses it (README).
        if original == nil || body.contains(0) {
            refused += 1
            guard outcome.status == .invalidResponse, outcome.error?.hasPrefix("the department's answer is not valid JSON") == true else {
                return "jansson refuses it (or drops a NUL byte in it), the writer answers \(outcome.status) \(outcome.error ?? "")"
            }
            return nil
        }
        guard let original, original.kind == .object else {
            refused += 1
            return outcome.error == "the department's answer is JSON but not an object" ? nil : "an array body is answered \(outcome.error ?? "ok")"
        }
        served += 1
        guard outcome.status == .ok, let data = outcome.data else { return "jansson reads it, the writer refuses it: \(outcome.error ?? "")" }
        let tree = try! JSON.parse(body)
        let expected = view.apply(to: tree)
        guard let servedTree = try? JSON.parse(data) else { return "jansson cannot read the served data: \(String(decoding: data, as: UTF8.self))" }
        let numbers = NumberTexts.of(body)
        guard TreeEquality.same(tree, servedTree, allowing: { numbers.maskedAsSent(oracle: $0, served: $1) }) else {
            return "served \(String(decoding: data, as: UTF8.self)), the oracle \(tree.encodedString())"
        }
        // Inside a value a view of everything serves whole, the oracle meets what it withholds in its work list's
        // order, the writer in the document's: the same paths, counted alike.
        let sameWithheld = outcome.withheld == expected.withheld
            || view.servesEverything && outcome.withheld.unlisted == 0 && expected.withheld.unlisted == 0
            && outcome.withheld.occurrences == expected.withheld.occurrences && Set(outcome.withheld.listed) == Set(expected.withheld.listed)
        guard sameWithheld else { return "withheld \(outcome.withheld), the oracle \(expected.withheld)" }
        guard outcome.drift == expected.drift else { return "drift \(outcome.drift.listed) (\(outcome.drift.occurrences)), the oracle \(expected.drift.listed) (\(expected.drift.occurrences))" }
        let captures = checks.captures(for: source)
        for (slot, pointer) in captures.pointers.enumerated() {
            let want = original.value(at: pointer).map(CheckValue.init)
            guard Self.same(outcome.checkValues[slot], want) else {
                return "captured \(String(describing: outcome.checkValues[slot])) at \(pointer), jansson has \(String(describing: want))"
            }
        }
        return nil
    }

    /// Strictly the same captured value: reals bit for bit, containers member by member in order.
    static func same(_ left: CheckValue?, _ right: CheckValue?) -> Bool {
        switch (left, right) {
        case (nil, nil): true
        case (.real(let a)?, .real(let b)?): a.bitPattern == b.bitPattern
        case (.container(let a)?, .container(let b)?): TreeEquality.same(a, b)
        case (let a?, let b?): a == b
        default: false
        }
    }
}

/// The texts of a body's numbers as sent: what the one documented difference of the writer is judged by.
struct NumberTexts: JSONScanConsumer {
    private(set) var texts: [String] = []

    static func of(_ body: [UInt8]) -> NumberTexts {
        var numbers = NumberTexts()
        _ = body.withUnsafeBytes { buffer in try? JSONScanner.scan(buffer, maxBytes: .max, into: &numbers) }
        return numbers
    }

    /// Whether `served` is a number's text as sent with the personal data in it masked, where the oracle serves that
    /// number as it is (its own rule saw none) or masked by the value's rule (`"***"`, or its shortest form masked):
    /// the writer reads the text as sent first.
    func maskedAsSent(oracle: JSON, served: JSON) -> Bool {
        guard let text = served.string else { return false }
        let value = oracle.number
        guard value != nil || oracle.string?.contains("*") == true else { return false }
        return texts.contains { number in
            (value == nil || Double(number) == value) && PIIDetector.maskEmbedded(in: number) == text && number != text
        }
    }

    mutating func beginObject(at _: Int) -> JSONScanDecision { .visit }
    mutating func key(_: JSONString) -> JSONScanDecision { .visit }
    mutating func endObject(at _: Int) {}
    mutating func beginArray(at _: Int) -> JSONScanDecision { .visit }
    mutating func endArray(at _: Int) {}
    mutating func scalar(_ scalar: JSONScalar) {
        if scalar.kind == .integer || scalar.kind == .real { texts.append(String(decoding: scalar.text.utf8, as: UTF8.self)) }
    }
}

/// Random views of a body's own paths (and of paths it lacks), compiled together as a config compiles its roles, and
/// random pointers into it for the checks.
enum RandomViews {
    /// Two named views and a view of everything, on one trie.
    static func make(for body: [UInt8], using random: inout SplitMix64) -> [(String, SourceView)] {
        let paths = (try? JSON.parse(body)).map { viewPaths(of: $0) } ?? []
        let key: [UInt8]? = Bool.random(using: &random) ? (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) } : nil
        let definitions = (0..<3).map { index in
            RoleDefinition(name: "r\(index)", sources: ["land", "tax", "house"],
                           views: index == 2 ? .all : .named(["land": named(paths, using: &random), "tax": named(paths, using: &random),
                                                               "house": named(paths, using: &random)]),
                           detectPII: Bool.random(using: &random))
        }
        let roles = RoleConfig.compile(definitions, hmacKey: key)
        // Each role's view of `land`, on the trie of all three: any body is served through it, whatever its department.
        return definitions.map { definition in
            ("random view \(definition.name) (\(definition.detectPII ? "detect_pii" : "no detect_pii"), \(key == nil ? "no key" : "key"))",
             roles[definition.name]!.view(for: "land"))
        }
    }

    /// A random named view: some of `paths`, some paths the body lacks or reaches below its scalars, random treatments.
    private static func named(_ paths: [String], using random: inout SplitMix64) -> ViewPaths {
        var view = ViewPaths()
        var candidates = paths.filter { _ in Int.random(in: 0..<100, using: &random) < 40 }
        if let some = paths.randomElement(using: &random) { candidates += [some + "/x", some + "/*", some + "/*/y"] }
        candidates += ["/nope", "/*x", "/a~1b"]
        for text in candidates.shuffled(using: &random) {
            guard let path = try? ViewPath(text) else { continue }
            let treatment = Int.random(in: 0..<3, using: &random) == 0 ? Treatment.allCases.randomElement(using: &random)! : .clear
            try? view.add(path, treatment)
        }
        return view
    }

    /// Every path of `tree` as a view writes it (`*` for elements), containers included, to a depth of 8.
    static func viewPaths(of tree: JSON) -> [String] {
        var paths: [String] = []
        var pending = [(tree, "", 0)]
        while let (value, path, depth) = pending.popLast() {
            if !path.isEmpty, !paths.contains(path) { paths.append(path) }
            guard depth < 8 else { continue }
            for (key, member) in value.members { pending.append((member, path + "/" + escaped(key), depth + 1)) }
            for element in value.elements { pending.append((element, path + "/*", depth + 1)) }
        }
        return paths
    }

    /// Random pointers into `body`: to values it has (by index in arrays), containers and the whole body included, and
    /// to values it lacks.
    static func pointers(for body: [UInt8], using random: inout SplitMix64) -> [JSONPointer] {
        var texts = ["/nope", "/0", "/list/01"]
        if let tree = try? JSON.parse(body) {
            var pending = [(tree, "", 0)]
            while let (value, path, depth) = pending.popLast() {
                if Int.random(in: 0..<100, using: &random) < 30 { texts.append(path) }
                guard depth < 8 else { continue }
                for (key, member) in value.members { pending.append((member, path + "/" + escaped(key), depth + 1)) }
                for (index, element) in value.elements.enumerated() { pending.append((element, path + "/\(index)", depth + 1)) }
            }
        }
        return texts.compactMap { try? JSONPointer($0) }
    }

    private static func escaped(_ key: String) -> String {
        key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
