/// How the detector reads text: one scalar at a time, each folded to the ASCII character it
/// stands for, so that `１３８`, `١٣٨` and `138` are the same digits and `－`, `‐` and `-` the
/// same separator.
///
/// The folding is the part of NFKC that matters for numbers and e-mail addresses, done per
/// scalar without building a normalized copy (README, Views):
/// - every Unicode decimal or digit character with a value 0–9 (full-width, Arabic-Indic,
///   Devanagari, mathematical, superscript and circled digits, ...) is that ASCII digit;
///   Chinese numerals (〇, 一, 二) are not digits (they are everywhere in place names);
/// - full-width ASCII (U+FF01–FF5E) is its ASCII character (`＠`, `．`, `Ｘ`, `ａ`);
/// - no-break, ideographic and the other Unicode spaces, and line breaks, are a space;
/// - every Unicode dash (general category Pd) and the minus signs are `-`; the compatibility
///   forms NFKC maps to `.`, `(`, `)` and `@` (`﹒`, `․`, `﹙`, `⁽`, `︵`, `﹫`) are those;
/// - what prints nothing (zero-width spaces and joiners, BOM, soft hyphen, bidi marks, variation
///   selectors, combining and enclosing marks, Hangul fillers, tags, control characters) is
///   `ignored`: read as if it were not there, so it neither splits a number nor ends one;
/// - everything else is "other" (0), and CJK ideographs are recognised from their first byte
///   without being decoded, so Chinese text costs little.
extension PIIDetector {
    /// The ASCII character `scalar` folds to, or 0 when it stands for none.
    static func folded(_ scalar: UInt32) -> UInt8 {
        if scalar < 0x80 { return UInt8(scalar) }
        switch scalar {
        case 0xFF01...0xFF5E: return UInt8(scalar - 0xFEE0)
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return UInt8(ascii: " ")
        case 0x2010...0x2015, 0x2212, 0x207B, 0x208B, 0xFE58, 0xFE63: return UInt8(ascii: "-")
        case 0x2024, 0xFE52: return UInt8(ascii: ".")
        case 0x207D, 0x208D, 0xFE35, 0xFE59: return UInt8(ascii: "(")
        case 0x207E, 0x208E, 0xFE36, 0xFE5A: return UInt8(ascii: ")")
        case 0xFE6B: return UInt8(ascii: "@")
        // The dashes and the Hangul filler among the CJK symbols and kana.
        case 0x301C, 0x3030, 0x30A0: return UInt8(ascii: "-")
        case 0x3164: return ignored
        // CJK symbols, kana, ideographs, Yi and Hangul hold no digit: skip the table look-up.
        case 0x3001...0xA48F, 0xAC00...0xD7FF: return 0
        default: break
        }
        guard let unicodeScalar = Unicode.Scalar(scalar) else { return 0 }
        let properties = unicodeScalar.properties
        switch properties.generalCategory {
        case .decimalNumber, .otherNumber:
            guard properties.numericType == .decimal || properties.numericType == .digit,
                  let value = properties.numericValue, value >= 0, value <= 9, value == value.rounded(.towardZero)
            else { return 0 }
            return UInt8(ascii: "0") + UInt8(value)
        case .dashPunctuation: return UInt8(ascii: "-")
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return UInt8(ascii: " ")
        // NEL is white space; the other C1 controls print nothing.
        case .control: return properties.isWhitespace ? UInt8(ascii: " ") : ignored
        case .format, .nonspacingMark, .enclosingMark: return ignored
        // Hangul fillers are letters, and reserved code points may be default-ignorable too.
        case .otherLetter, .unassigned: return properties.isDefaultIgnorableCodePoint ? ignored : 0
        default: return 0
        }
    }

    /// The scalar starting at byte `index` of valid UTF-8 `bytes`: its folded character and its
    /// length in bytes. A lead byte of a CJK ideograph (U+4000–9FFF) answers "other" at once.
    @inline(__always)
    static func unit(in bytes: UnsafeRawBufferPointer, at index: Int) -> (folded: UInt8, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (lead, 1) }
        if (0xE4...0xE9).contains(lead) { return (0, 3) }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        // jansson and Swift strings hold valid UTF-8; a cut sequence is read as "other" anyway.
        guard index + length <= bytes.count else { return (0, bytes.count - index) }
        var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (folded(scalar), length)
    }

    /// What a character that prints nothing folds to (DEL, itself one).
    static let ignored: UInt8 = 0x7F

    static func isDigit(_ folded: UInt8) -> Bool { folded.isASCIIDigit }

    /// Whether a folded character prints nothing (`ignored`, or an ASCII control character other
    /// than white space): the detector reads the text as if it were not there.
    @inline(__always)
    static func isIgnored(_ folded: UInt8) -> Bool {
        folded < 0x20 ? folded != 0 && (folded < 0x09 || folded > 0x0D) : folded == ignored
    }

    /// What may stand between the digits of one number (`139-1234-5678`, `341502 19880314 0265`,
    /// `(0564)3331234`, `138.1234.5678`, a line break): ignored, but remembered as a group boundary.
    static func isSeparator(_ folded: UInt8) -> Bool {
        switch folded {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), 0x0B, 0x0C, UInt8(ascii: "\r"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "("), UInt8(ascii: ")"): true
        default: false
        }
    }
}

/// Follows the digit runs of a text as its scalars go by: digits, possibly split into groups by
/// up to `maximumSeparators` separators, possibly ended by an ID card's check character `X`.
/// Positions are whatever the caller counts in (bytes, or scalars).
struct DigitRunTracker {
    /// A finished run: `range` covers its first digit to its last digit (or its `X`).
    struct Run {
        let range: Range<Int>
        let digits: Int
    }

    /// More separators than this in a row end a run (` - ` joins, a sentence does not).
    static let maximumSeparators = 3

    private var start = 0
    private var end = 0
    private var digits = 0
    private var separators = 0

    /// Takes the scalar at `position..<next` (folded to `folded`); returns the run it ended, if any.
    /// A character that prints nothing changes nothing: however many there are between two
    /// digits, the digits are one run (`PIIDetector.hideNumbers` still splits groups there).
    @inline(__always)
    mutating func take(_ folded: UInt8, at position: Int, next: Int) -> Run? {
        if PIIDetector.isDigit(folded) {
            if digits > 0, separators <= Self.maximumSeparators {
                digits += 1
                end = next
                separators = 0
                return nil
            }
            let finished = finish()
            start = position
            end = next
            digits = 1
            separators = 0
            return finished
        }
        guard digits > 0, !PIIDetector.isIgnored(folded) else { return nil }
        if PIIDetector.isSeparator(folded) {
            separators += 1
            return separators > Self.maximumSeparators ? finish() : nil
        }
        if folded.isLetterX, separators == 0 {
            // A check character ends the run it belongs to.
            end = next
            return finish()
        }
        return finish()
    }

    /// The run in progress, ended; `nil` if there is none.
    mutating func finish() -> Run? {
        guard digits > 0 else { return nil }
        defer { digits = 0; separators = 0 }
        return Run(range: start..<end, digits: digits)
    }
}
