/// Why the caller wants the data (`X-Purpose`): a case number or a short reason, recorded in
/// the audit log. Required on every dossier request.
public enum Purpose {
    public static let maximumLength = 200
    /// 200 Chinese characters are 600 bytes of UTF-8; the cap keeps a purpose of 200 "characters"
    /// that are each a base letter under a pile of combining marks from filling the audit log.
    public static let maximumBytes = 600

    /// Categories that print nothing, or that break or reorder lines where the purpose is shown
    /// (line and paragraph separators, bidirectional overrides). The zero-width joiners are
    /// format characters too, but emoji and some scripts need them.
    private static let unprintable: Set<Unicode.GeneralCategory> = [
        .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse,
    ]
    private static let joiners: Set<Unicode.Scalar> = ["\u{200C}", "\u{200D}"]
    private static let lettersAndDigits: Set<Unicode.GeneralCategory> = [
        .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .decimalNumber, .letterNumber, .otherNumber,
    ]

    /// The purpose if it is 1–200 characters and at most 600 bytes, holds at least one visible
    /// letter or digit (white space, blank Braille patterns, joiners or fillers such as U+3164 say
    /// nothing about the case), and has no control, format or separator character that could hide
    /// text or forge lines where it is shown.
    public static func validated(_ header: String?) throws(Problem) -> String {
        guard let header, !header.isEmpty else {
            throw Problem(kind: "missing-purpose", title: "Missing purpose", status: 400,
                          detail: "every dossier request needs an X-Purpose header naming the case or reason")
        }
        guard header.count <= maximumLength, header.utf8.count <= maximumBytes,
              !header.unicodeScalars.contains(where: isUnprintable),
              header.unicodeScalars.contains(where: isVisibleLetterOrDigit)
        else {
            throw Problem(kind: "invalid-purpose", title: "Invalid purpose", status: 400,
                          detail: "X-Purpose must be 1 to \(maximumLength) characters (at most \(maximumBytes) bytes of UTF-8) "
                              + "with at least one letter or digit, and no control or invisible formatting characters")
        }
        return header
    }

    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{FFFD}" || (unprintable.contains(scalar.properties.generalCategory) && !joiners.contains(scalar))
    }

    /// A letter or digit that shows: Hangul fillers are letters that Unicode marks as default-ignorable.
    private static func isVisibleLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        lettersAndDigits.contains(scalar.properties.generalCategory) && !scalar.properties.isDefaultIgnorableCodePoint
    }
}
