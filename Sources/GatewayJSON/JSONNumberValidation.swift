/// RFC 8259's number grammar with jansson's limits, so that what the scanner accepts jansson
/// reads to the same value: a number without fraction or exponent is an integer and must fit in
/// 64 bits (jansson's `strtoll`), any other is a real and must not overflow a double (jansson's
/// `strtod` giving ±HUGE_VAL). A real that underflows is accepted, as jansson accepts it (as 0 or
/// a subnormal).
@usableFromInline
enum JSONNumberValidation {
    /// Scans the number that starts at `start` (a `-` or a digit) and says where it ends and
    /// whether it is an integer or a real. What follows the number is the caller's to check
    /// (`01` ends after `0` and its `1` is then an unexpected character, as in jansson).
    @inlinable
    static func scan(from start: Int, in text: UnsafeRawBufferPointer) throws(JSONScanError) -> (kind: JSONScalar.Kind, end: Int) {
        var offset = start
        if text[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        guard offset < text.count, text[offset].isDigit else { throw JSONScanError(.invalidNumber, at: offset, in: text) }
        offset += 1
        if text[integerStart] != UInt8(ascii: "0") { offset = digitsEnd(from: offset, in: text) }
        let integerEnd = offset

        var fractionEnd = offset
        if offset < text.count, text[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < text.count, text[offset].isDigit else { throw JSONScanError(.invalidNumber, at: offset, in: text) }
            offset = digitsEnd(from: offset, in: text)
            fractionEnd = offset
        }

        var exponent = 0
        let hasExponent = offset < text.count && text[offset] | 0x20 == UInt8(ascii: "e")
        if hasExponent {
            offset += 1
            var sign = 1
            if offset < text.count, text[offset] == UInt8(ascii: "+") || text[offset] == UInt8(ascii: "-") {
                if text[offset] == UInt8(ascii: "-") { sign = -1 }
                offset += 1
            }
            guard offset < text.count, text[offset].isDigit else { throw JSONScanError(.invalidNumber, at: offset, in: text) }
            while offset < text.count, text[offset].isDigit {
                // Saturates far above any exponent that matters: see `overflows`.
                if exponent < 1 << 40 { exponent = exponent * 10 + Int(text[offset] - UInt8(ascii: "0")) }
                offset += 1
            }
            exponent *= sign
        }

        if fractionEnd == integerEnd && !hasExponent {
            guard fitsInt64(digits: integerStart..<integerEnd, negative: integerStart > start, in: text) else {
                throw JSONScanError(.integerOutOfRange, at: start, in: text)
            }
            return (.integer, offset)
        }
        if overflows(start: start, digits: integerStart..<fractionEnd, pointAt: integerEnd, exponent: exponent, end: offset, in: text) {
            throw JSONScanError(.realOutOfRange, at: start, in: text)
        }
        return (.real, offset)
    }

    @inlinable
    static func digitsEnd(from start: Int, in text: UnsafeRawBufferPointer) -> Int {
        var offset = start
        while offset < text.count, text[offset].isDigit { offset += 1 }
        return offset
    }

    /// Whether decimal `digits` (no leading zero unless the number is 0) lie within
    /// -9223372036854775808...9223372036854775807.
    @inlinable
    static func fitsInt64(digits: Range<Int>, negative: Bool, in text: UnsafeRawBufferPointer) -> Bool {
        if digits.count != 19 { return digits.count < 19 }
        let limit = negative ? "9223372036854775808" : "9223372036854775807"
        for (offset, limitDigit) in zip(digits, limit.utf8) where text[offset] != limitDigit {
            return text[offset] < limitDigit
        }
        return true
    }

    /// Whether a real rounds to infinity. The decimal exponent of its first significant digit
    /// decides all but one band: below 10^308 a real is finite (the largest double is about
    /// 1.8 × 10^308), from 10^309 it is not. Within [10^308, 10^309) glibc's `strtod`, the
    /// function jansson calls, decides (rounding to nearest, ties to even).
    /// - Parameters:
    ///   - digits: the integer and fraction digits, with the point at `pointAt` (== the end when
    ///     there is no fraction).
    ///   - exponent: the exponent as written, saturated at ±2^40, far beyond any body's length.
    @usableFromInline
    static func overflows(start: Int, digits: Range<Int>, pointAt: Int, exponent: Int, end: Int, in text: UnsafeRawBufferPointer) -> Bool {
        guard let first = digits.first(where: { text[$0] != UInt8(ascii: "0") && text[$0] != UInt8(ascii: ".") }) else {
            return false  // zero
        }
        let magnitude = first < pointAt ? pointAt - first - 1 : pointAt - first
        switch magnitude + exponent {
        case ..<308: return false
        case 309...: return true
        default: break
        }
        // The standard library reads it with glibc's `strtod_l` in the C locale: jansson's `strtod`
        // with its decimal point, whatever the process's locale.
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<end]), as: UTF8.self))?.isInfinite ?? true
    }
}

extension UInt8 {
    @usableFromInline
    var isDigit: Bool { self &- UInt8(ascii: "0") < 10 }
}
