import CJansson

/// An RFC 6901 JSON pointer (`/ownership/owners/0/name`), split into its reference tokens once,
/// when the config is read, so resolving it per dossier is a walk of the jansson tree.
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
        guard text.hasPrefix("/") else { throw .missingLeadingSlash }
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

extension JSON {
    /// The value `pointer` refers to, or `nil` when a member or element on the way is missing
    /// (an array token must be a decimal index without leading zeros, as RFC 6901 says).
    /// Nothing is allocated: the value is borrowed from this tree, so it is valid only while
    /// the tree is alive and unchanged (keep it with `withExtendedLifetime`).
    public func value(at pointer: JSONPointer) -> Borrowed? {
        var node = self.node
        for token in pointer.tokens {
            switch Kind(of: node) {
            case .object:
                guard let child = json_object_get(node, token) else { return nil }
                node = child
            case .array:
                guard let index = Self.arrayIndex(token), index < json_array_size(node),
                      let child = json_array_get(node, index) else { return nil }
                node = child
            default:
                return nil
            }
        }
        return Borrowed(node: node)
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}
