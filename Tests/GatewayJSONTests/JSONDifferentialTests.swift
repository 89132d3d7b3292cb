import Glibc
import GatewayJSON
import JSONTestSupport
import Testing

/// The scanner against jansson (`JSON.parse`: `json_loadb` with `JSON_REJECT_DUPLICATES`) over a
/// generated corpus: both must accept and refuse the same texts, and every accepted text, copied by
/// `JSONCopy`, must read with jansson to the same tree as the original (`TreeEquality`).
///
/// The corpus is seeded and the same on every run. A larger one, by hand:
/// `JSON_CORPUS_SCALE=100 JSON_CORPUS_SEED=7 swift test --filter JSONDifferentialTests`
/// (a failure names its seed and case, which is all it takes to make the text again).
struct JSONDifferentialTests {
    static let seed: UInt64 = environment("JSON_CORPUS_SEED") ?? 2017
    static let scale: Int = environment("JSON_CORPUS_SCALE") ?? 1

    /// Generated valid documents: jansson accepts them all (else the generator is wrong), and so must the scanner.
    @Test func validDocuments() {
        var run = DifferentialRun(name: "valid document")
        for index in 0..<(8_000 * Self.scale) {
            var corpus = JSONCorpus(seed: Self.caseSeed(0, index))
            run.check(corpus.document(), case: "#\(index)")
        }
        #expect(run.rejected == 0)
    }

    /// Documents with one planted fault of each class, or a near miss of it.
    @Test(arguments: JSONCorpus.Fault.allCases)
    func plantedFaults(_ fault: JSONCorpus.Fault) {
        var run = DifferentialRun(name: "\(fault) fault")
        // A text 2,048 levels deep costs fifty times a shallow one, and has few variants.
        for index in 0..<((fault == .depth ? 150 : 600) * Self.scale) {
            var corpus = JSONCorpus(seed: Self.caseSeed(1 + JSONCorpus.Fault.allCases.firstIndex(of: fault)!, index))
            run.check(corpus.document(with: fault), case: "#\(index)")
        }
        #expect(run.rejected > 0)
    }

    /// Every fixture, changed by each kind of mutation at places drawn at random.
    @Test(arguments: JSONCorpus.Mutation.allCases)
    func fixtureMutations(_ mutation: JSONCorpus.Mutation) {
        var run = DifferentialRun(name: "\(mutation) mutation")
        for (fixtureIndex, fixture) in Fixtures.all.enumerated() {
            // Deep nesting has few variants per fixture (how many levels), each fifty times the cost.
            for round in 0..<((mutation == .deepNesting ? 8 : 30) * Self.scale) {
                var corpus = JSONCorpus(seed: Self.caseSeed(0x100 + fixtureIndex, round))
                run.check(corpus.mutate(fixture.bytes, by: mutation), case: "\(fixture.name) round \(round)")
            }
        }
        #expect(run.rejected > 0)
    }

    /// The planted faults make the scanner refuse a text for every reason it has (but the size
    /// limit, which jansson has not: see `JSONScannerTests`).
    @Test func everyReasonTurnsUp() {
        var reasons = Set<JSONScanError.Reason>()
        for fault in JSONCorpus.Fault.allCases {
            for index in 0..<100 {
                var corpus = JSONCorpus(seed: Self.caseSeed(0x200, index))
                if case .failure(let error) = copied(corpus.document(with: fault)) { reasons.insert(error.reason) }
            }
        }
        let all: Set<JSONScanError.Reason> = [
            .notObjectOrArray, .unexpectedCharacter, .unexpectedEnd, .trailingCharacters, .invalidUTF8, .controlCharacter,
            .invalidEscape, .loneSurrogate, .nulCharacter, .invalidNumber, .integerOutOfRange, .realOutOfRange, .duplicateKey, .tooDeep,
        ]
        #expect(all.subtracting(reasons).isEmpty, "never refused for: \(all.subtracting(reasons))")
    }

    /// Each case its own generator, so that one case can be made again alone.
    static func caseSeed(_ stream: Int, _ index: Int) -> UInt64 {
        seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(stream) << 40 ^ UInt64(index)
    }

    private static func environment<Number: FixedWidthInteger>(_ name: String) -> Number? {
        getenv(name).flatMap { Number(String(cString: $0)) }
    }
}

/// One differential run: checks texts, counts verdicts, records what disagrees (the first few).
struct DifferentialRun {
    let name: String
    private(set) var accepted = 0
    private(set) var rejected = 0
    private var failures = 0

    init(name: String) {
        self.name = name
    }

    mutating func check(_ text: [UInt8], case label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let problem = disagreement(text) else { return }
        failures += 1
        guard failures <= 5 else { return }
        Issue.record("""
            \(name) \(label) (JSON_CORPUS_SEED=\(JSONDifferentialTests.seed)): \(problem); \
            text: \(String(decoding: text.prefix(2000), as: UTF8.self).debugDescription)
            """, sourceLocation: sourceLocation)
    }

    private mutating func disagreement(_ text: [UInt8]) -> String? {
        let original = try? JSON.parse(text)
        var skipping = ArbitrarySkips()
        let refusedWhileSkipping = scan(text, into: &skipping) != nil
        // The one difference, on purpose: jansson 2.14 drops a NUL byte right after a number or
        // literal (its lexer's push-back buffer ends at a NUL), where the scanner, as RFC 8259,
        // refuses it. A text jansson accepts can hold a NUL byte nowhere else.
        let janssonDropsNUL = original != nil && text.contains(0)
        switch copied(text) {
        case .failure(let error) where janssonDropsNUL:
            rejected += 1
            guard error.reason == .unexpectedCharacter, error.offset == text.firstIndex(of: 0) else {
                return "a NUL byte jansson drops is refused, but not at its place (\(error))"
            }
            guard refusedWhileSkipping else { return "accepted when values are skipped" }
        case .failure(let error):
            rejected += 1
            guard original == nil else { return "jansson accepts it, the scanner refuses it (\(error))" }
            guard refusedWhileSkipping else { return "accepted when values are skipped" }
        case .success(let copy):
            accepted += 1
            guard !janssonDropsNUL else { return "a NUL byte outside a string is accepted" }
            guard let original else { return "jansson refuses it, the scanner accepts it" }
            guard !refusedWhileSkipping else { return "refused when values are skipped" }
            guard let reread = try? JSON.parse(copy) else { return "jansson refuses the copy" }
            guard TreeEquality.same(original, reread) else {
                return "the copy reads to another tree: \(String(decoding: copy, as: UTF8.self).debugDescription)"
            }
            guard case .success(copy) = copied(copy) else { return "the copy of the copy differs" }
        }
        return nil
    }
}
