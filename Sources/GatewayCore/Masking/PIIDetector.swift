/// Finds mainland ID-card numbers and mobile numbers inside free text (a remark, a court
/// name, a comment) and masks them like the `id_card` and `phone` rules.
///
/// A key-based rule only covers fields the policy names; this is the net under it for
/// personal numbers that a department writes into text. It looks for:
/// - an ID-card number: 17 ASCII digits and a digit or X/x, whose ISO 7064 MOD 11-2 check
///   digit is valid (so that voucher and contract numbers of 18 digits mostly pass), not part
///   of a longer digit run and not followed by another X;
/// - a mobile number: 11 ASCII digits starting with 1[3-9], not part of a longer digit run;
///   also with the country code written into the run (`8613812345678`, after `+` or not) and
///   in the 3-4-4 groups people write (`138 1234 5678`, `138-1234-5678`).
///
/// Everything around a match, Chinese text included, is kept byte for byte. Scanning works on
/// UTF-8 bytes: an ASCII byte never occurs inside a multi-byte sequence, so a digit byte is
/// always a digit character.
public enum PIIDetector {
    public static func maskEmbedded(in text: String) -> String {
        // Most values (names, dates, areas, Chinese remarks) hold no digit run that could be a
        // match: look before copying anything.
        guard mayHoldMatch(text.utf8) else { return text }
        var bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            guard bytes[start].isASCIIDigit else {
                start += 1
                continue
            }
            let end = digitRunEnd(bytes, from: start)
            start = maskMatch(in: &bytes, run: start..<end)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `utf8` has a digit run of 11 or more, or a 3-digit run followed by a space or
    /// hyphen (a grouped mobile number): the only ways a match can start. Cheap enough to run on
    /// every string before one is copied.
    static func mayHoldMatch<Bytes: Sequence<UInt8>>(_ utf8: Bytes) -> Bool {
        var run = 0
        for byte in utf8 {
            if byte.isASCIIDigit {
                run += 1
                if run >= 11 { return true }
            } else {
                if run == 3, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") { return true }
                run = 0
            }
        }
        return false
    }

    /// Masks what the maximal digit run `run` starts, if anything; returns where scanning goes on.
    private static func maskMatch(in bytes: inout [UInt8], run: Range<Int>) -> Int {
        let next = bytes.dropFirst(run.upperBound).first
        switch run.count {
        case 18 where next?.isLetterX != true && hasValidCheckDigit(bytes[run]):
            maskIDCard(&bytes, at: run.lowerBound)
        case 17 where next?.isLetterX == true:
            let candidate = run.lowerBound..<(run.upperBound + 1)
            let after = bytes.dropFirst(candidate.upperBound).first
            guard after?.isASCIIDigit != true, after?.isLetterX != true, hasValidCheckDigit(bytes[candidate]) else { break }
            maskIDCard(&bytes, at: run.lowerBound)
            return candidate.upperBound
        case 11 where isMobilePrefix(bytes[run]):
            maskMobile(&bytes, at: run.lowerBound)
        case 13 where bytes[run].starts(with: "86".utf8) && isMobilePrefix(bytes[run].dropFirst(2)):
            maskMobile(&bytes, at: run.lowerBound + 2)
        case 3 where isMobilePrefix(bytes[run]):
            guard let groups = grouped(bytes, first: run) else { break }
            for index in groups.middle { bytes[index] = UInt8(ascii: "*") }
            return groups.end
        default:
            break
        }
        return run.upperBound
    }

    /// For a 3-digit run, the 4 hidden digits and the end of a `1xx-xxxx-xxxx` or
    /// `1xx xxxx xxxx` number, both separators the same and every group a whole digit run.
    private static func grouped(_ bytes: [UInt8], first: Range<Int>) -> (middle: Range<Int>, end: Int)? {
        guard let separator = bytes.dropFirst(first.upperBound).first,
              separator == UInt8(ascii: "-") || separator == UInt8(ascii: " ")
        else { return nil }
        let middleStart = first.upperBound + 1
        let middleEnd = digitRunEnd(bytes, from: middleStart)
        guard middleEnd - middleStart == 4, bytes.dropFirst(middleEnd).first == separator else { return nil }
        let lastStart = middleEnd + 1
        let lastEnd = digitRunEnd(bytes, from: lastStart)
        guard lastEnd - lastStart == 4 else { return nil }
        return (middleStart..<middleEnd, lastEnd)
    }

    private static func digitRunEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, bytes[end].isASCIIDigit { end += 1 }
        return end
    }

    /// Whether `digits` start like a mobile number: 1, then 3 to 9.
    private static func isMobilePrefix(_ digits: ArraySlice<UInt8>) -> Bool {
        let prefix = Array(digits.prefix(2))
        return prefix.count == 2 && prefix[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(prefix[1])
    }

    /// Weights of the first 17 digits in ISO 7064 MOD 11-2 (GB 11643-1999).
    private static let checkWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each remainder of the weighted sum mod 11.
    private static let checkCharacters = Array("10X98765432".utf8)

    /// Whether 18 characters (17 digits and a digit or X/x) end in their check character.
    static func hasValidCheckDigit(_ candidate: ArraySlice<UInt8>) -> Bool {
        guard candidate.count == 18, let last = candidate.last else { return false }
        var sum = 0
        for (weight, digit) in zip(checkWeights, candidate) {
            guard digit.isASCIIDigit else { return false }
            sum += weight * Int(digit - UInt8(ascii: "0"))
        }
        let expected = checkCharacters[sum % 11]
        return last == expected || (expected == UInt8(ascii: "X") && last == UInt8(ascii: "x"))
    }

    private static func maskIDCard(_ bytes: inout [UInt8], at start: Int) {
        for index in (start + 6)..<(start + 14) { bytes[index] = UInt8(ascii: "*") }
    }

    private static func maskMobile(_ bytes: inout [UInt8], at start: Int) {
        for index in (start + 3)..<(start + 7) { bytes[index] = UInt8(ascii: "*") }
    }
}
