import Glibc

extension Timestamp {
    /// Reads an RFC 3339 time (`2026-11-29T00:00:00Z`, `2026-11-29T08:00:00.5+08:00`) or a
    /// date alone (`2026-11-29`, midnight UTC); `nil` for anything else, including dates that
    /// do not exist. Fractions finer than a millisecond are cut off.
    public init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(4), scanner.skip("-"), let month = scanner.number(2), scanner.skip("-"),
              let day = scanner.number(2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0, offsetMinutes = 0
        if !scanner.isAtEnd {
            guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
                  let h = scanner.number(2), scanner.skip(":"), let m = scanner.number(2), scanner.skip(":"),
                  let s = scanner.number(2), h < 24, m < 60, s < 60 else { return nil }
            (hour, minute, second) = (h, m, s)
            if scanner.skip(".") {
                guard let fraction = scanner.fraction() else { return nil }
                millis = fraction
            }
            if !(scanner.skip("Z") || scanner.skip("z")) {
                guard let sign = scanner.sign(), let h = scanner.number(2), scanner.skip(":"), let m = scanner.number(2),
                      h < 24, m < 60 else { return nil }
                offsetMinutes = sign * (h * 60 + m)
            }
            guard scanner.isAtEnd else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm moves 31 February to 3 March; a date that moved did not exist.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        self.init(millisecondsSince1970: (Int64(seconds) - Int64(offsetMinutes) * 60) * 1000 + Int64(millis))
    }
}

/// Reads fixed-width decimal fields from the bytes of a time.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index == bytes.count }

    /// The next `width` bytes as a number, if they are all ASCII digits.
    mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + width] {
            guard byte.isASCIIDigit else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    /// One or more digits after a decimal point, as whole milliseconds.
    mutating func fraction() -> Int? {
        var millis = 0, digits = 0
        while index < bytes.count, bytes[index].isASCIIDigit {
            if digits < 3 { millis = millis * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<max(digits, 3) { millis *= 10 }
        return millis
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// `+1` or `-1` for a sign, consumed; `nil` if none is next.
    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
