/// Compact JSON text appended straight into a byte buffer, the writer placing the commas.
///
/// Output rules (what a served department section looks like):
/// - keys and strings are escaped as the dossier's `JSONWriter` escapes them: `"`, `\` and the
///   control characters (`\b \f \n \r \t`, the others `\u00XX`); every other byte, UTF-8
///   included, as it is (`\/` and `\u00e9` arrive as `/` and `é`). A string sent without escapes
///   is copied in one piece.
/// - numbers are written as the department sent them: the scanner has checked their grammar and
///   range, and jansson (or any reader) reads them to the same value. So `-0`, `1.50` and `1E+2`
///   stay as they are, where `JSONWriter`'s walk of a jansson tree writes `0`, `1.5` and `100.0`.
/// - `true`, `false`, `null` as they are; no white space anywhere.
public struct JSONOutput {
    public private(set) var bytes: [UInt8] = []
    /// Whether a value was just completed, so that the next member or element needs a comma.
    private var followsValue = false

    public init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        followsValue = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        followsValue = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        followsValue = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        followsValue = true
    }

    public mutating func key(_ key: JSONString) {
        separate()
        append(key)
        bytes.append(UInt8(ascii: ":"))
        followsValue = false
    }

    public mutating func scalar(_ scalar: JSONScalar) {
        separate()
        if scalar.kind == .string {
            append(scalar.text)
        } else {
            bytes.append(contentsOf: scalar.text.utf8)
        }
        followsValue = true
    }

    private mutating func separate() {
        if followsValue { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ string: JSONString) {
        guard string.isVerbatim else { return Self.appendQuoted(string.utf8, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: string.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `text` (valid UTF-8) to `bytes` as a JSON string, quoted and escaped by the rules
    /// above; `JSONWriter` writes its strings with it too.
    static func appendQuoted(_ text: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in text.indices where text[index] < 0x20 || text[index] == UInt8(ascii: "\"") || text[index] == UInt8(ascii: "\\") {
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart..<index]))
            appendEscape(text[index], to: &bytes)
            runStart = index + 1
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        let short: UInt8? = switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: nil
        }
        bytes.append(UInt8(ascii: "\\"))
        if let short {
            bytes.append(short)
        } else {
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
