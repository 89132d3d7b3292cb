/// Finds personal data inside text a view serves in clear (a remark, a court name, a key, the
/// purpose of a request) and masks it in place, keeping everything around it byte for byte.
///
/// What it finds (README, Views), after folding every character to what it stands for
/// (`PIIDetector+Text.swift`: full-width and other Unicode digits are digits) and ignoring
/// spaces, line breaks, hyphens, dots and brackets between digits, and what prints nothing:
/// - ID card numbers: 18 characters (17 digits and a digit or `X`) whose check character is
///   valid or whose birth date is a date, their first 17 digits alone when the birth date is a
///   date (the check character follows from them), and 15-digit first-generation numbers whose
///   birth date is a date;
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
    /// (then nothing was copied).
    ///
    /// Runs on every string a view serves in clear, so it looks first, without copying anything,
    /// for what every match needs: a run of at least 10 digits, or an `@`. Most text (Chinese
    /// without digits, dates, amounts, codes) has neither; a run that has turns out to be a code
    /// more often than not, and is read where it is, so only text that is changed is copied.
    public static func masked(utf8 bytes: UnsafeRawBufferPointer) -> String? {
        var runs: [Range<Int>] = []
        var hasAt = false
        var tracker = DigitRunTracker()
        var index = 0
        while index < bytes.count {
            let (folded, length) = unit(in: bytes, at: index)
            if folded == UInt8(ascii: "@") { hasAt = true }
            if let run = tracker.take(folded, at: index, next: index + length), run.digits >= shortestNumber { runs.append(run.range) }
            index += length
        }
        if let run = tracker.finish(), run.digits >= shortestNumber { runs.append(run.range) }
        guard hasAt || !runs.isEmpty else { return nil }
        var hidden: [Range<Int>] = []
        for run in runs { hideNumbers(in: run, of: bytes, into: &hidden) }
        let emails = hasAt ? maskedEmails(in: bytes) : []
        guard !hidden.isEmpty || !emails.isEmpty else { return nil }
        return rewritten(bytes, hiding: hidden, replacing: emails)
    }

    /// `bytes` with each scalar in `hidden` written as `*` and each range of `emails` as its text; both in order.
    private static func rewritten(_ bytes: UnsafeRawBufferPointer, hiding hidden: [Range<Int>],
                                  replacing emails: [(bytes: Range<Int>, text: String)]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0, nextHidden = 0, nextEmail = 0
        while position < bytes.count {
            if nextEmail < emails.count, emails[nextEmail].bytes.lowerBound == position {
                output.append(contentsOf: emails[nextEmail].text.utf8)
                position = emails[nextEmail].bytes.upperBound
                nextEmail += 1
            } else if nextHidden < hidden.count, hidden[nextHidden].lowerBound < position {
                nextHidden += 1  // inside an address already written masked
            } else if nextHidden < hidden.count, hidden[nextHidden].lowerBound == position {
                output.append(UInt8(ascii: "*"))
                position = hidden[nextHidden].upperBound
                nextHidden += 1
            } else {
                let stop = min(nextHidden < hidden.count ? hidden[nextHidden].lowerBound : bytes.count,
                               nextEmail < emails.count ? emails[nextEmail].bytes.lowerBound : bytes.count)
                output.append(contentsOf: bytes[position..<stop])
                position = stop
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Adds to `hidden` the byte ranges of the digits of the run at `run` that belong to a personal number.
    private static func hideNumbers(in run: Range<Int>, of bytes: UnsafeRawBufferPointer, into hidden: inout [Range<Int>]) {
        // A run has at most one digit per byte, and as many group boundaries plus one.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: run.count) { digits in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: run.count) { scalars in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: run.count + 1) { boundaries in
                    var count = 0, boundaryCount = 1
                    boundaries[0] = 0
                    var afterSeparator = false
                    var index = run.lowerBound
                    while index < run.upperBound {
                        let (folded, length) = unit(in: bytes, at: index)
                        if isDigit(folded) || folded.isLetterX {
                            if afterSeparator || folded.isLetterX, boundaries[boundaryCount - 1] != count {
                                boundaries[boundaryCount] = count
                                boundaryCount += 1
                            }
                            digits[count] = isDigit(folded) ? folded - UInt8(ascii: "0") : checkX
                            scalars[count] = index..<(index + length)
                            count += 1
                            afterSeparator = false
                        } else {
                            // A separator, or a character that prints nothing: both end a group (fail closed:
                            // `7\u{200B}13812345678` is read as two groups, a mobile number among them).
                            afterSeparator = true
                        }
                        index += length
                    }
                    if boundaries[boundaryCount - 1] != count {
                        boundaries[boundaryCount] = count
                        boundaryCount += 1
                    }
                    withUnsafeTemporaryAllocation(of: Bool.self, capacity: count) { isHidden in
                        isHidden.initialize(repeating: false)
                        hideDigits(Digits(UnsafeMutableBufferPointer(rebasing: digits[..<count])),
                                   boundaries: UnsafeBufferPointer(UnsafeMutableBufferPointer(rebasing: boundaries[..<boundaryCount])),
                                   in: isHidden)
                        for digit in 0..<count where isHidden[digit] { hidden.append(scalars[digit]) }
                    }
                }
            }
        }
    }

    /// One scalar of the text: what it folds to, and where its bytes start.
    struct TextUnit {
        let folded: UInt8
        let start: Int
    }

    /// The e-mail addresses in `bytes`, as byte ranges and their masked text, in order.
    private static func maskedEmails(in bytes: UnsafeRawBufferPointer) -> [(bytes: Range<Int>, text: String)] {
        var units: [TextUnit] = []
        var index = 0
        while index < bytes.count {
            let (folded, length) = unit(in: bytes, at: index)
            // What prints nothing is not there: `zhang\u{200B}san@example.com` is one address.
            if !isIgnored(folded) { units.append(TextUnit(folded: folded, start: index)) }
            index += length
        }
        var emails: [EmailMatch] = []
        for (position, unit) in units.enumerated() where unit.folded == UInt8(ascii: "@") {
            guard let email = email(in: units, at: position) else { continue }
            if let last = emails.indices.last, email.range.lowerBound < emails[last].range.upperBound {
                emails[last].absorb(email)
            } else {
                emails.append(email)
            }
        }
        let byteOffset = { (position: Int) in position < units.count ? units[position].start : bytes.count }
        return emails.map { (byteOffset($0.range.lowerBound)..<byteOffset($0.range.upperBound), $0.masked) }
    }
}
