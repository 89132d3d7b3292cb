extension JSONScalar {
    /// The value of an integer's text as sent (an optional `-` and decimal digits within the
    /// int64 range, as the scanner checked), as jansson reads it.
    public static func integerValue(of text: UnsafeRawBufferPointer) -> Int {
        let negative = text.first == UInt8(ascii: "-")
        // Accumulated negative, so that -9223372036854775808 fits.
        var value = 0
        for digit in text.dropFirst(negative ? 1 : 0) { value = value &* 10 &- Int(digit &- UInt8(ascii: "0")) }
        return negative ? value : -value
    }

    /// The value of a real's text as sent (finite, as the scanner checked), as jansson reads it:
    /// `strtod` in the C locale, which the standard library's parsing is.
    public static func realValue(of text: UnsafeRawBufferPointer) -> Double {
        Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }
}
