import Testing
import GatewayCore

struct TimestampTests {
    /// rfc3339 renders UTC with exactly three fractional digits (values checked with Python's datetime).
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1), "1970-01-01T00:00:00.001Z"),
        (Int64(1_764_417_600_123), "2025-11-29T12:00:00.123Z"),
        (Int64(951_782_400_999), "2000-02-29T00:00:00.999Z"),
        (Int64(4_102_444_799_999), "2099-12-31T23:59:59.999Z"),
        (Int64(-30_610_224_000_001), "0999-12-31T23:59:59.999Z"),
        (Int64(253_402_300_800_000), "10000-01-01T00:00:00.000Z"),
    ])
    func rendersKnownInstants(_ ms: Int64, _ expected: String) {
        #expect(Timestamp(millisecondsSince1970: ms).rfc3339 == expected)
    }

    /// Timestamps order by their milliseconds.
    @Test func comparesByMilliseconds() {
        let a = Timestamp(millisecondsSince1970: 1000)
        let b = Timestamp(millisecondsSince1970: 1001)
        #expect(a < b)
        #expect(!(b < a))
        #expect(a == Timestamp(millisecondsSince1970: 1000))
    }

    /// now() is after 2024-01-01 and renders in the 24-character RFC 3339 shape.
    @Test func nowIsPlausible() {
        let now = Timestamp.now()
        #expect(now.millisecondsSince1970 > 1_704_067_200_000)
        let text = now.rfc3339
        #expect(text.count == 24)
        #expect(text.hasSuffix("Z"))
    }

    /// An instant before 1970 renders as a valid RFC 3339 time, rounding down to the earlier second.
    @Test func rendersInstantBeforeEpoch() {
        #expect(Timestamp(millisecondsSince1970: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    /// RFC 3339 times and bare dates parse to the instant they name; the audit's own times round-trip.
    @Test(arguments: [
        ("2026-11-29T00:00:00Z", "2026-11-29T00:00:00.000Z"),
        ("2026-11-29T00:00:00.5Z", "2026-11-29T00:00:00.500Z"),
        ("2026-11-29t13:17:14.320123z", "2026-11-29T13:17:14.320Z"),
        ("2026-11-29T08:00:00+08:00", "2026-11-29T00:00:00.000Z"),
        ("2026-11-28T23:30:00-00:30", "2026-11-29T00:00:00.000Z"),
        ("2026-11-29", "2026-11-29T00:00:00.000Z"),
        ("2024-02-29 12:00:00Z", "2024-02-29T12:00:00.000Z"),
    ])
    func parsesRFC3339(_ text: String, _ expected: String) throws {
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed.rfc3339 == expected)
        #expect(Timestamp(rfc3339: parsed.rfc3339) == parsed)
    }

    /// Anything that is not a real RFC 3339 time is refused rather than compared as text.
    @Test(arguments: ["", "yesterday", "2026-11-29T00:00:00", "2026-11-29T00:00Z", "2026-13-01", "2026-02-30",
                      "2025-02-29T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T00:00:00.Z", "2026-11-29T00:00:00Zjunk",
                      "2026-11-29T00:00:00+8:00", "２０２６-11-29"])
    func refusesMalformedTimes(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
