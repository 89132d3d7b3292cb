/// Finds personal data inside text a view serves in clear (a remark, a court name, a key, the
/// purpose of a request) and masks it in place, keeping everything around it byte for byte.
///
/// What it finds (README, Views), after folding every character to what it stands for
/// (`PIIDetector+Text.swift`: full-width and other Unicode digits are digits) and ignoring
/// spaces, hyphens, dots and brackets between digits:
/// - ID card numbers: 18 characters (17 digits and a digit or `X`) whose check character is
///   valid or whose birth date is a date, and 15-digit first-generation numbers whose birth date
///   is a date;
/// - mobile numbers (`1[3-9]` and 9 digits), also after `+86`, `86`, `0086` or `0`;
/// - landline numbers with their area code (`0564-3331234`, `010 12345678`, `+86 564 3331234`);
/// - bank card numbers: a card network's leading digits and length, passing the Luhn check;
/// - e-mail addresses.
///
/// Digits split into groups by separators are read at group boundaries: `341502 19880314 0265`
/// is one ID number, and `341502198803140265 13912345678` is an ID number and a mobile number,
/// both masked, not one 29-digit number that is neither. A run of more than 19 digits that cannot
/// be read as a row of such numbers is masked whole: better a lost digit than a leaked number.
public enum PIIDetector {
    /// The fewest digits any number above can have (a landline after `+86`: area code and 7 digits).
    static let shortestNumber = 10
    /// The most digits one number above can have (a card number).
    static let longestNumber = 19

    /// `text` with the personal data in it masked; `text` itself when it holds none.
    public static func maskEmbedded(in text: String) -> String {
        var text = text
        return text.withUTF8 { masked(utf8: UnsafeRawBufferPointer($0)) } ?? text
    }

    /// The UTF-8 text `bytes` with the personal data in it masked, or `nil` when it holds none
    /// (then nothing was allocated).
    ///
    /// Runs on every string a view serves in clear, so it looks first, without copying anything,
    /// for what every match needs: a run of at least 10 digits, or an `@`. Most text (Chinese
    /// without digits, dates, amounts, codes) has neither.
    public static func masked(utf8 bytes: UnsafeRawBufferPointer) -> String? {
        guard mayHoldMatch(bytes) else { return nil }
        return maskedText(bytes)
    }

    static func mayHoldMatch(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var tracker = DigitRunTracker()
        var index = 0
        while index < bytes.count {
            let (folded, length) = unit(in: bytes, at: index)
            if folded == UInt8(ascii: "@") { return true }
            if let run = tracker.take(folded, at: index, next: index + length), run.digits >= shortestNumber { return true }
            index += length
        }
        return (tracker.finish()?.digits ?? 0) >= shortestNumber
    }

    /// One scalar of the text: what it folds to, and where its bytes start.
    struct TextUnit {
        let folded: UInt8
        let start: Int
    }

    /// The masked text, or `nil` when the candidates turned out to be nothing.
    private static func maskedText(_ bytes: UnsafeRawBufferPointer) -> String? {
        var units: [TextUnit] = []
        units.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let (folded, length) = unit(in: bytes, at: index)
            units.append(TextUnit(folded: folded, start: index))
            index += length
        }
        var hidden = [Bool](repeating: false, count: units.count)
        var tracker = DigitRunTracker()
        for (position, unit) in units.enumerated() {
            if let run = tracker.take(unit.folded, at: position, next: position + 1) { hideNumbers(in: run, units, &hidden) }
        }
        if let run = tracker.finish() { hideNumbers(in: run, units, &hidden) }
        var emails: [EmailMatch] = []
        for (position, unit) in units.enumerated() where unit.folded == UInt8(ascii: "@") {
            guard let email = email(in: units, at: position) else { continue }
            if let last = emails.indices.last, email.range.lowerBound < emails[last].range.upperBound {
                emails[last].absorb(email)
            } else {
                emails.append(email)
            }
        }
        guard !emails.isEmpty || hidden.contains(true) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        var nextEmail = 0
        while position < units.count {
            if nextEmail < emails.count, emails[nextEmail].range.lowerBound == position {
                output.append(contentsOf: emails[nextEmail].masked.utf8)
                position = emails[nextEmail].range.upperBound
                nextEmail += 1
                continue
            }
            if hidden[position] {
                output.append(UInt8(ascii: "*"))
            } else {
                let end = position + 1 < units.count ? units[position + 1].start : bytes.count
                output.append(contentsOf: bytes[units[position].start..<end])
            }
            position += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Marks in `hidden` the digits of `run` that belong to a personal number.
    private static func hideNumbers(in run: DigitRunTracker.Run, _ units: [TextUnit], _ hidden: inout [Bool]) {
        guard run.digits >= shortestNumber else { return }
        var digits: [UInt8] = []
        var positions: [Int] = []
        var boundaries = [0]
        for position in run.range {
            let folded = units[position].folded
            if isDigit(folded) {
                if boundaries.last != digits.count, position > run.range.lowerBound, !isDigit(units[position - 1].folded) {
                    boundaries.append(digits.count)
                }
                digits.append(folded - UInt8(ascii: "0"))
                positions.append(position)
            } else if folded.isLetterX {
                if boundaries.last != digits.count { boundaries.append(digits.count) }
                digits.append(checkX)
                positions.append(position)
            }
        }
        boundaries.append(digits.count)
        for (index, isHidden) in hiddenDigits(digits, boundaries: boundaries).enumerated() where isHidden {
            hidden[positions[index]] = true
        }
    }
}
