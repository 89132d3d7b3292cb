/// Why the caller wants the data (`X-Purpose`): a case number or a short reason, recorded in
/// the audit log. Required on every dossier request.
public enum Purpose {
    public static let maximumLength = 200

    /// Categories that print nothing, or that break or reorder lines where the purpose is shown
    /// (line and paragraph separators, bidirectional overrides). The zero-width joiners are
    /// format characters too, but emoji and some scripts need them.
    private static let unprintable: Set<Unicode.GeneralCategory> = [
        .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse,
    ]
    private static let joiners: Set<Unicode.Scalar> = ["\u{200C}", "\u{200D}"]

    /// The purpose if it is 1–200 printable characters, not all of them white space (an ideographic
    /// or no-break space says nothing about the case).
    public static func validated(_ header: String?) throws(Problem) -> String {
        guard let header, !header.isEmpty else {
            throw Problem(kind: "missing-purpose", title: "Missing purpose", status: 400,
                          detail: "every dossier request needs an X-Purpose header naming the case or reason")
        }
        guard header.count <= maximumLength,
              !header.unicodeScalars.contains(where: { isUnprintable($0) }),
              header.unicodeScalars.contains(where: { !$0.properties.isWhitespace })
        else {
            throw Problem(kind: "invalid-purpose", title: "Invalid purpose", status: 400,
                          detail: "X-Purpose must be 1 to \(maximumLength) printable characters, not only white space")
        }
        return header
    }

    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{FFFD}" || (unprintable.contains(scalar.properties.generalCategory) && !joiners.contains(scalar))
    }
}
