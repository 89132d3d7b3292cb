/// Byte and text tests on ASCII that ids, config values and masking share: they read bytes as
/// they come (UTF-8 from the wire or a file), without making Characters.
extension UInt8 {
    var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }

    var isASCIIHexDigit: Bool {
        isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }

    var isASCIILowercase: Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) }

    var isASCIILetter: Bool { isASCIILowercase || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) }

    var isASCIIAlphanumeric: Bool { isASCIIDigit || isASCIILetter }

    /// The byte with `A`–`Z` folded to `a`–`z`; every other byte as it is.
    var asciiLowercased: UInt8 { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) ? self | 0x20 : self }

    /// The check character of a Chinese ID card number.
    var isLetterX: Bool { self == UInt8(ascii: "X") || self == UInt8(ascii: "x") }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF. Works on scalars, not Characters:
    /// "\r\n" is one Character, equal to neither "\r" nor "\n".
    public func trimmingASCIIWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}
