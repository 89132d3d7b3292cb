/// Strict UTF-8 (RFC 3629, Unicode's table of well-formed byte sequences), the same check as
/// jansson's `utf8_check_full`: no overlong forms, no surrogates (U+D800–U+DFFF), nothing above
/// U+10FFFF, no stray continuation bytes, no sequence cut short.
@usableFromInline
enum UTF8Validation {
    /// The length (2, 3 or 4) of the well-formed sequence that starts at `offset`, whose first
    /// byte is 0x80 or above; 0 when the bytes there are not one.
    @inlinable @inline(__always)
    static func sequenceLength(at offset: Int, in text: UnsafeRawBufferPointer) -> Int {
        let lead = text[offset]
        // Most of the non-ASCII text in department bodies is CJK: three bytes led by E1–EC or EE–EF,
        // where any two continuation bytes are well-formed.
        if lead &- 0xE1 < 0x0F, lead != 0xED, offset + 2 < text.count, text[offset + 1] & 0xC0 == 0x80, text[offset + 2] & 0xC0 == 0x80 {
            return 3
        }
        return switch lead {
        case 0xC2...0xDF:
            continuations(from: offset + 1, in: text, second: 0x80...0xBF, count: 1) ? 2 : 0
        case 0xE0:
            continuations(from: offset + 1, in: text, second: 0xA0...0xBF, count: 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            continuations(from: offset + 1, in: text, second: 0x80...0xBF, count: 2) ? 3 : 0
        case 0xED:
            continuations(from: offset + 1, in: text, second: 0x80...0x9F, count: 2) ? 3 : 0
        case 0xF0:
            continuations(from: offset + 1, in: text, second: 0x90...0xBF, count: 3) ? 4 : 0
        case 0xF1...0xF3:
            continuations(from: offset + 1, in: text, second: 0x80...0xBF, count: 3) ? 4 : 0
        case 0xF4:
            continuations(from: offset + 1, in: text, second: 0x80...0x8F, count: 3) ? 4 : 0
        default:
            0
        }
    }

    /// Whether `count` continuation bytes follow from `start`, the first within `second` (the
    /// narrower range is what rules out overlong forms, surrogates and code points past U+10FFFF).
    @inlinable
    static func continuations(from start: Int, in text: UnsafeRawBufferPointer, second: ClosedRange<UInt8>, count: Int) -> Bool {
        guard start + count <= text.count, second.contains(text[start]) else { return false }
        for offset in (start + 1)..<(start + count) where text[offset] & 0xC0 != 0x80 {
            return false
        }
        return true
    }
}
