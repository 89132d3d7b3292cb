/// Why the caller wants the data (`X-Purpose`): a case number or a short reason, recorded in
/// the audit log. Required on every dossier request.
public enum Purpose {
    public static let maximumLength = 200

    /// The purpose if it is 1–200 printable characters with no control characters.
    public static func validated(_ header: String?) throws(Problem) -> String {
        guard let header, !header.isEmpty else {
            throw Problem(kind: "missing-purpose", title: "Missing purpose", status: 400,
                          detail: "every dossier request needs an X-Purpose header naming the case or reason")
        }
        guard header.count <= maximumLength,
              !header.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{FFFD}" })
        else {
            throw Problem(kind: "invalid-purpose", title: "Invalid purpose", status: 400,
                          detail: "X-Purpose must be 1 to \(maximumLength) printable characters")
        }
        return header
    }
}
