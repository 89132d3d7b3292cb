import Testing
import GatewayCore

struct RequestIDTests {
    static let crockford = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A generated id is 26 characters of Crockford base 32 (no I, L, O, U).
    @Test func generatesCrockfordULID() {
        for _ in 0..<100 {
            let id = RequestID.generate()
            #expect(id.count == 26)
            #expect(id.allSatisfy { Self.crockford.contains($0) })
        }
    }

    /// The first 10 characters encode the 48-bit millisecond time (ULID layout).
    @Test func encodesTimeInFirstTenCharacters() {
        #expect(RequestID.generate(at: Timestamp(millisecondsSince1970: 0)).hasPrefix("0000000000"))
        // 1764417600123 in Crockford base 32, 10 digits (computed with Python).
        #expect(RequestID.generate(at: Timestamp(millisecondsSince1970: 1_764_417_600_123)).hasPrefix("01KB7QQYKV"))
        // The largest 48-bit time starts with "7" and is all "Z" after that.
        #expect(RequestID.generate(at: Timestamp(millisecondsSince1970: (1 << 48) - 1)).hasPrefix("7ZZZZZZZZZ"))
    }

    /// Ids generated at increasing times sort in the same order as strings.
    @Test func sortsByTime() {
        let times: [Int64] = [0, 1, 999, 1000, 1_700_000_000_000, 1_700_000_000_001, 1_764_417_600_123, 2_000_000_000_000]
        let ids = times.map { RequestID.generate(at: Timestamp(millisecondsSince1970: $0)) }
        for (earlier, later) in zip(ids, ids.dropFirst()) {
            #expect(earlier < later)
        }
    }

    /// 1000 ids generated in the same millisecond are all distinct.
    @Test func uniqueAcrossThousandCalls() {
        let time = Timestamp(millisecondsSince1970: 1_764_417_600_123)
        let ids = Set((0..<1000).map { _ in RequestID.generate(at: time) })
        #expect(ids.count == 1000)
    }

    /// accepted() echoes a 1–128 character id of [A-Za-z0-9._:-].
    @Test(arguments: [
        "abc",
        "01JDQ7ZP4V4S2N3G9F8K6M5T1C",
        "req-42.retry:1_a",
        String(repeating: "x", count: 128),
    ])
    func acceptsSafeIDs(_ candidate: String) {
        #expect(RequestID.accepted(candidate) == candidate)
    }

    /// accepted() refuses ids that are absent, empty, too long or unsafe to log.
    @Test(arguments: [
        nil,
        "",
        String(repeating: "x", count: 129),
        "has space",
        "line\nbreak",
        "cr\r",
        "tab\t",
        "请求",
        "caf\u{E9}",
        "a/b",
        "a\"b",
    ] as [String?])
    func rejectsUnsafeIDs(_ candidate: String?) {
        #expect(RequestID.accepted(candidate) == nil)
    }

    /// A caller's id that holds personal data is not echoed or logged; one that only looks like
    /// numbers (a date, a ULID, a short counter) is.
    @Test(arguments: [
        ("case-340102199001011234", false),
        ("13812345678", false),
        ("desk7:138-1234-5678", false),
        ("card.6222020200112230", false),
        ("case-2026-0042", true),
        ("01JDQ7ZP4V4S2N3G9F8K6M5T1C", true),
        ("20261206.1", true),
    ])
    func callerIDsWithPersonalDataAreReplaced(_ candidate: String, echoed: Bool) {
        #expect(RequestID.fromCaller(candidate) == (echoed ? candidate : nil))
    }
}
