/// Why `JSONScanner` refused a text. The description names the rule that was broken and where
/// (line, column, byte offset): it never quotes the text, which may be personal data.
public struct JSONScanError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The text is longer than the limit the caller set.
        case tooLarge
        /// The text does not start with `{` or `[` (jansson's rule without `JSON_DECODE_ANY`).
        case notObjectOrArray
        /// A byte that cannot stand where it is (a missing comma or colon, a stray character,
        /// `01`, a bare word).
        case unexpectedCharacter
        /// The text ends inside a value.
        case unexpectedEnd
        /// Something other than white space follows the value.
        case trailingCharacters
        /// A string holds bytes that are not UTF-8: an overlong form, a surrogate, a code point
        /// above U+10FFFF, a cut-short sequence or a stray continuation byte.
        case invalidUTF8
        /// A control character (below U+0020) written into a string as it is.
        case controlCharacter
        /// A backslash not followed by one of `"\/bfnrt` or by `u` and four hex digits.
        case invalidEscape
        /// A `\u` escape of a lone UTF-16 surrogate.
        case loneSurrogate
        /// `\u0000`, which jansson refuses in strings and keys alike.
        case nulCharacter
        /// A number that breaks RFC 8259's grammar (`1.`, `.5`, `-`, `1e`).
        case invalidNumber
        /// An integer outside the 64-bit range jansson keeps integers in.
        case integerOutOfRange
        /// A real too large for a double.
        case realOutOfRange
        /// An object has two members with the same key (compared after decoding escapes), a
        /// classic way to slip a second value past a view.
        case duplicateKey
        /// Values nested deeper than `JSONScanner.maxDepth`.
        case tooDeep
    }

    public let reason: Reason
    /// Where the problem was found, counted in bytes from 0.
    public let offset: Int
    /// 1-based; lines end at `\n`.
    public let line: Int
    /// 1-based, in Unicode scalars from the start of the line.
    public let column: Int

    /// An error at `offset` in `text`, whose line and column are counted here: only a refused text
    /// pays for that.
    @usableFromInline
    init(_ reason: Reason, at offset: Int, in text: UnsafeRawBufferPointer) {
        self.reason = reason
        self.offset = offset
        var line = 1, column = 1
        for index in 0..<min(offset, text.count) {
            let byte = text[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.line = line
        self.column = column
    }

    public var description: String {
        "\(reason.summary) (line \(line), column \(column), byte \(offset))"
    }
}

extension JSONScanError.Reason {
    var summary: String {
        switch self {
        case .tooLarge: "the text is larger than allowed"
        case .notObjectOrArray: "the text is not a JSON object or array"
        case .unexpectedCharacter: "unexpected character"
        case .unexpectedEnd: "the text ends too early"
        case .trailingCharacters: "text after the end of the value"
        case .invalidUTF8: "invalid UTF-8"
        case .controlCharacter: "control character in a string"
        case .invalidEscape: "invalid escape in a string"
        case .loneSurrogate: "lone UTF-16 surrogate escape"
        case .nulCharacter: "\\u0000 in a string"
        case .invalidNumber: "invalid number"
        case .integerOutOfRange: "integer outside the 64-bit range"
        case .realOutOfRange: "number too large"
        case .duplicateKey: "duplicate object key"
        case .tooDeep: "nested too deeply"
        }
    }
}
