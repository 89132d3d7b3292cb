/// Text read from files someone else may have written (an audit line's purpose, a key id, a file
/// name), made safe to show on a terminal: control characters (C0, DEL, C1) and the bidirectional
/// overrides become `\u{…}` escapes, so none can move the cursor, erase or hide what is shown
/// around it, or reorder it.
public enum TerminalText {
    /// `text` as one line: line breaks are escaped too (`\u{A}`), so text someone wrote into a file
    /// cannot print a line of its own under the command's (a fake verdict, a fake row). A command
    /// that prints several lines escapes each of them.
    public static func escaped(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
