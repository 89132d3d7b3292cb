/// E-mail addresses inside text, found from their `@` (or `＠`).
extension PIIDetector {
    /// An address found in text: the units it covers, and what its masked form keeps.
    struct EmailMatch {
        var range: Range<Int>
        let first: UInt8
        var topLevel: [UInt8]

        /// As the `email` treatment writes it: `z***@***.com`.
        var masked: String {
            String(decoding: [first], as: UTF8.self) + "***@***." + String(decoding: topLevel, as: UTF8.self)
        }

        /// This address and `next`, which starts inside it (`a@b.comc@d.org`: the second local part is glued to
        /// the first domain), as one range masked as one.
        mutating func absorb(_ next: EmailMatch) {
            range = range.lowerBound..<max(range.upperBound, next.range.upperBound)
            topLevel = next.topLevel
        }
    }

    /// The address around the `@` at `sign`, or `nil` when there is none.
    ///
    /// ASCII only, after folding: a local part of letters, digits and `._%+-`; a domain of at least two labels of
    /// letters, digits and `-`, up to the last label after the first that starts with two letters, which ends
    /// the address where its letters end (`a@b.com13812345678`, `a@b.org341502.1994`). Text around it (Chinese
    /// included) is not swallowed into it.
    static func email(in units: [TextUnit], at sign: Int) -> EmailMatch? {
        var localStart = sign
        while localStart > 0, isLocalPartCharacter(units[localStart - 1].folded) { localStart -= 1 }
        while localStart < sign, units[localStart].folded == UInt8(ascii: ".") { localStart += 1 }
        guard localStart < sign else { return nil }
        var position = sign + 1
        var labels: [Range<Int>] = []
        while true {
            let labelStart = position
            while position < units.count, isLabelCharacter(units[position].folded) { position += 1 }
            guard position > labelStart else { break }
            labels.append(labelStart..<position)
            guard position + 1 < units.count, units[position].folded == UInt8(ascii: "."), isLabelCharacter(units[position + 1].folded)
            else { break }
            position += 1
        }
        for label in labels.dropFirst().reversed() {
            let topLevel = Array(units[label].map(\.folded).prefix(while: \.isASCIILetter))
            if topLevel.count >= 2 {
                return EmailMatch(range: localStart..<(label.lowerBound + topLevel.count), first: units[localStart].folded, topLevel: topLevel)
            }
        }
        return nil
    }

    private static func isLocalPartCharacter(_ folded: UInt8) -> Bool {
        switch folded {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-"): true
        default: folded.isASCIIAlphanumeric
        }
    }

    private static func isLabelCharacter(_ folded: UInt8) -> Bool {
        folded.isASCIIAlphanumeric || folded == UInt8(ascii: "-")
    }
}
