/// Receives the structure of one JSON text from `JSONScanner`, in document order, while it is
/// being validated: a consumer can serve, filter or capture a department's body in the same pass.
///
/// The scanner is generic over its consumer and inlinable, so each consumer gets its own
/// specialized copy of the loop: an event is a direct (usually inlined) call, never a
/// protocol-witness or closure call.
///
/// Events stop at the first error: a consumer must treat what it built as void when `scan`
/// throws, since the rest of the text was never seen.
public protocol JSONScanConsumer {
    /// An object begins at byte `offset`. `.skip` means: no events for it, its end included.
    mutating func beginObject(at offset: Int) -> JSONScanDecision
    /// A member's key, decoded. `.skip` means: no events for the member's value.
    mutating func key(_ key: JSONString) -> JSONScanDecision
    /// The object ends; `offset` is just past its `}`.
    mutating func endObject(at offset: Int)
    /// An array begins at byte `offset`. `.skip` means: no events for it, its end included.
    mutating func beginArray(at offset: Int) -> JSONScanDecision
    /// The array ends; `offset` is just past its `]`.
    mutating func endArray(at offset: Int)
    mutating func scalar(_ scalar: JSONScalar)
}

/// What a consumer wants of the value that follows.
public enum JSONScanDecision: Sendable, Equatable {
    /// Its events.
    case visit
    /// No events. It is still validated as strictly (a duplicate key or bad UTF-8 in it still
    /// refuses the whole text).
    case skip
}

/// A string or key as scanned, borrowed from the scanner: valid until `JSONScanner.scan` returns.
public struct JSONString {
    /// The decoded text: no escapes, valid UTF-8, never a NUL byte.
    public let utf8: UnsafeRawBufferPointer
    /// The string as sent, quotes and escapes included.
    public let json: UnsafeRawBufferPointer
    /// Whether the string was sent with escapes. Without one its decoded text is exactly the text
    /// between its quotes, which then holds no `"`, `\` or control character: it needs no
    /// escaping in JSON either.
    @usableFromInline let hasEscapes: Bool

    @usableFromInline
    init(_ utf8: UnsafeRawBufferPointer, json: UnsafeRawBufferPointer, hasEscapes: Bool) {
        self.utf8 = utf8
        self.json = json
        self.hasEscapes = hasEscapes
    }
}

/// A string, number, boolean or null, as scanned.
public struct JSONScalar {
    public enum Kind: Sendable, Equatable {
        /// Digits only (an int64, as jansson keeps integers).
        case integer
        /// With a fraction or an exponent (a finite double, as jansson keeps reals).
        case real
        case string, bool, null
    }

    public let kind: Kind
    /// A string's text (see `JSONString`). For every other kind both its `utf8` and its `json`
    /// are the text as sent (`-0`, `1.50E+3`, `true`), which is valid JSON as it is, and
    /// `hasEscapes` is false.
    public let text: JSONString
    /// Where the value is in the body, a string's quotes included.
    public let range: Range<Int>

    @usableFromInline
    init(kind: Kind, text: JSONString, range: Range<Int>) {
        self.kind = kind
        self.text = text
        self.range = range
    }
}
