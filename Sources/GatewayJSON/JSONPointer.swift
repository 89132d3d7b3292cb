/// An RFC 6901 JSON pointer (`/ownership/owners/0/name`), split into its reference tokens once,
/// when the config is read, so that resolving it per dossier compares bytes.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The pointer as written.
    public let description: String
    /// The unescaped reference tokens (`~1` → `/`, `~0` → `~`).
    public let tokens: [String]

    /// Why a text is not a JSON pointer.
    public enum ParseError: Error, Sendable, Equatable {
        /// A non-empty pointer must start with `/`.
        case missingLeadingSlash
        /// `~` must be followed by `0` or `1`.
        case invalidEscape
    }

    public init(_ text: String) throws(ParseError) {
        description = text
        guard !text.isEmpty else {
            tokens = []
            return
        }
        guard text.utf8.first == UInt8(ascii: "/") else { throw .missingLeadingSlash }
        var tokens: [String] = []
        for raw in text.unicodeScalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            // Scalar by scalar: as Characters, a combining mark after `/` or `~` would be merged
            // into one grapheme with it and the separator or escape would go unseen.
            var token = String.UnicodeScalarView()
            var escaping = false
            for scalar in raw {
                if escaping {
                    switch scalar {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw .invalidEscape
                    }
                    escaping = false
                } else if scalar == "~" {
                    escaping = true
                } else {
                    token.append(scalar)
                }
            }
            guard !escaping else { throw .invalidEscape }
            tokens.append(String(token))
        }
        self.tokens = tokens
    }
}
