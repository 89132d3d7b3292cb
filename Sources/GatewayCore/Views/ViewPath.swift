import GatewayJSON

/// One path a view names: an RFC 6901 pointer into a department body in which a `*` segment
/// stands for every element of an array (`/ownership/owners/*/name`), read once, at config load.
public struct ViewPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a path.
    public enum Segment: Sendable, Hashable {
        /// An object member whose key is exactly these UTF-8 bytes (no case folding, no
        /// normalization: `nаme` with a Cyrillic а is another key).
        case key([UInt8])
        /// Every element of an array (and nothing else: an object member named `*` cannot be named).
        case anyElement
    }

    /// The pointer as written in the config.
    public let description: String
    public let segments: [Segment]

    /// Paths deeper than this are no field of any department record; the bound also bounds
    /// how deep applying a view recurses.
    public static let maximumDepth = 32

    /// Why a text is not a view path.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case pointer(JSONPointer.ParseError)
        case wholeBody
        case tooDeep
        case elementOfBody

        public var description: String {
            switch self {
            case .pointer(.missingLeadingSlash): "must be a JSON pointer starting with / (RFC 6901)"
            case .pointer(.invalidEscape): "is not a JSON pointer: ~ must be followed by 0 or 1 (RFC 6901)"
            case .wholeBody: "names the whole body; a role that may see everything says \"view\": \"all\""
            case .tooDeep: "is deeper than \(ViewPath.maximumDepth) segments"
            case .elementOfBody: "starts with *, but a department body is an object, not an array"
            }
        }
    }

    public init(_ text: String) throws(ParseError) {
        let pointer: JSONPointer
        do {
            pointer = try JSONPointer(text)
        } catch {
            throw .pointer(error)
        }
        guard !pointer.tokens.isEmpty else { throw .wholeBody }
        guard pointer.tokens.count <= Self.maximumDepth else { throw .tooDeep }
        guard pointer.tokens[0] != "*" else { throw .elementOfBody }
        description = text
        segments = pointer.tokens.map { $0 == "*" ? .anyElement : .key(Array($0.utf8)) }
    }
}

extension ViewPath.Segment {
    /// The segment as a view-style pointer writes it: `*`, or the key with `~` and `/` escaped.
    var pointerText: String {
        switch self {
        case .anyElement: "*"
        case .key(let bytes): ViewPath.escaped(String(decoding: bytes, as: UTF8.self))
        }
    }
}

extension ViewPath {
    /// `key` escaped as an RFC 6901 reference token (`~` → `~0`, `/` → `~1`).
    static func escaped(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
