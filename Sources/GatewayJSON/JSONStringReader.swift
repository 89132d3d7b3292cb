/// Reads the strings (values and keys) of one text for `JSONScanner`: checks them as jansson
/// does (UTF-8, no raw control characters, valid escapes, no `\u0000`, surrogate escapes only in
/// pairs) and decodes their escapes.
///
/// A string without escapes, nearly every one, is handed out as the text's own bytes. One with
/// escapes is decoded into a buffer as large as the text, allocated at the first escape of the
/// scan; each string is decoded at its own offset (decoded text is never longer than what it
/// decodes), so every string and key handed out stays valid until the scan ends, when the scanner
/// calls `deallocate()`.
@usableFromInline
struct JSONStringReader {
    @usableFromInline let text: UnsafeRawBufferPointer
    @usableFromInline var decoded: UnsafeMutableRawPointer?

    @inlinable
    init(_ text: UnsafeRawBufferPointer) {
        self.text = text
    }

    @inlinable
    func deallocate() {
        decoded?.deallocate()
    }

    /// The string whose opening quote is at `quote`, and the offset just past its closing quote.
    @inlinable
    mutating func string(at quote: Int) throws(JSONScanError) -> (string: JSONString, end: Int) {
        let start = quote + 1
        var offset = Self.plainASCIIEnd(from: start, in: text)
        // Once an escape was met: where the next decoded byte goes, and where the text not yet
        // copied there starts.
        var output = -1
        var pending = start
        while true {
            guard offset < text.count else { throw JSONScanError(.unexpectedEnd, at: offset, in: text) }
            switch text[offset] {
            case 0x80...:
                let length = UTF8Validation.sequenceLength(at: offset, in: text)
                guard length > 0 else { throw JSONScanError(.invalidUTF8, at: offset, in: text) }
                offset += length
                if offset < text.count, text[offset] < 0x80 { offset = Self.plainASCIIEnd(from: offset, in: text) }
            case UInt8(ascii: "\""):
                let json = UnsafeRawBufferPointer(rebasing: text[quote...offset])
                guard output >= 0 else {
                    return (JSONString(UnsafeRawBufferPointer(rebasing: text[start..<offset]), json: json, hasEscapes: false), offset + 1)
                }
                copy(pending..<offset, to: &output)
                let decodedText = UnsafeRawBufferPointer(start: decoded! + start, count: output - start)
                return (JSONString(decodedText, json: json, hasEscapes: true), offset + 1)
            case UInt8(ascii: "\\"):
                if output < 0 {
                    if decoded == nil { decoded = .allocate(byteCount: text.count, alignment: 1) }
                    output = start
                }
                copy(pending..<offset, to: &output)
                offset = try decodeEscape(at: offset, to: &output)
                pending = offset
                offset = Self.plainASCIIEnd(from: offset, in: text)
            default:
                throw JSONScanError(.controlCharacter, at: offset, in: text)
            }
        }
    }

    /// Where the run of ASCII that needs no attention (no control character, `"` or `\`) from
    /// `start` ends: most of a body's text is such runs. Eight bytes at a time, with the exact
    /// tests of "Bit Twiddling Hacks" (a byte below 0x20; a zero byte, after XOR with `"` or `\`;
    /// a byte with its high bit set), whose lowest flagged byte is the first that needs attention.
    @inlinable @inline(__always)
    static func plainASCIIEnd(from start: Int, in text: UnsafeRawBufferPointer) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
        var offset = start
        while offset + 8 <= text.count {
            let word = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
            let controls = (word &- ones &* 0x20) & ~word
            let zeros = (quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes
            let attention = (controls | zeros | word) & highBits
            guard attention == 0 else { return offset + attention.trailingZeroBitCount / 8 }
            offset += 8
        }
        while offset < text.count, case let byte = text[offset], byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""),
              byte != UInt8(ascii: "\\") {
            offset += 1
        }
        return offset
    }

    @inlinable
    func copy(_ range: Range<Int>, to output: inout Int) {
        guard !range.isEmpty else { return }
        (decoded! + output).copyMemory(from: text.baseAddress! + range.lowerBound, byteCount: range.count)
        output += range.count
    }

    /// Decodes the escape at `backslash` to `output`; returns the offset after it.
    @usableFromInline
    func decodeEscape(at backslash: Int, to output: inout Int) throws(JSONScanError) -> Int {
        guard backslash + 1 < text.count else { throw JSONScanError(.unexpectedEnd, at: backslash + 1, in: text) }
        let short: UInt8
        switch text[backslash + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): short = text[backslash + 1]
        case UInt8(ascii: "b"): short = 0x08
        case UInt8(ascii: "f"): short = 0x0C
        case UInt8(ascii: "n"): short = 0x0A
        case UInt8(ascii: "r"): short = 0x0D
        case UInt8(ascii: "t"): short = 0x09
        case UInt8(ascii: "u"): return try decodeUnicodeEscape(at: backslash, to: &output)
        default: throw JSONScanError(.invalidEscape, at: backslash, in: text)
        }
        decoded!.storeBytes(of: short, toByteOffset: output, as: UInt8.self)
        output += 1
        return backslash + 2
    }

    /// `\uXXXX`, or two of them for a surrogate pair, written to `output` as UTF-8.
    private func decodeUnicodeEscape(at backslash: Int, to output: inout Int) throws(JSONScanError) -> Int {
        var scalar = try hexUnit(at: backslash + 2)
        var end = backslash + 6
        switch scalar {
        case 0:
            throw JSONScanError(.nulCharacter, at: backslash, in: text)
        case 0xD800...0xDBFF:
            guard end + 1 < text.count, text[end] == UInt8(ascii: "\\"), text[end + 1] == UInt8(ascii: "u") else {
                throw JSONScanError(.loneSurrogate, at: backslash, in: text)
            }
            let low = try hexUnit(at: end + 2)
            guard (0xDC00...0xDFFF).contains(low) else { throw JSONScanError(.loneSurrogate, at: backslash, in: text) }
            scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
            end += 6
        case 0xDC00...0xDFFF:
            throw JSONScanError(.loneSurrogate, at: backslash, in: text)
        default:
            break
        }
        for byte in Unicode.Scalar(scalar)!.utf8 {
            decoded!.storeBytes(of: byte, toByteOffset: output, as: UInt8.self)
            output += 1
        }
        return end
    }

    /// The four hex digits from `start` as a UTF-16 code unit.
    private func hexUnit(at start: Int) throws(JSONScanError) -> UInt32 {
        guard start + 4 <= text.count else { throw JSONScanError(.unexpectedEnd, at: text.count, in: text) }
        var unit: UInt32 = 0
        for offset in start..<(start + 4) {
            let byte = text[offset]
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: throw JSONScanError(.invalidEscape, at: start - 2, in: text)
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }
}
