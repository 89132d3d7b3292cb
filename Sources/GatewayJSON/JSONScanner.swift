import Glibc

/// Validates a department's body strictly in one pass and hands its structure to a consumer
/// (`JSONScanConsumer`) as it goes, so that the body can be served without building a tree.
///
/// It accepts exactly what the gateway's jansson parse accepts (`json_loadb` with
/// `JSON_REJECT_DUPLICATES`, no other flag); the differential tests hold it to that:
/// - RFC 8259 JSON with an object or array at the top, white space only around it;
/// - strings of well-formed UTF-8 (`UTF8Validation`) without raw control characters, escapes
///   as RFC 8259 lists them, surrogate escapes only as a high-low pair, never `\u0000` (jansson
///   refuses it without `JSON_ALLOW_NUL`, and in keys always);
/// - no two members of an object with the same decoded key (`JSONDuplicateKeys`);
/// - integers within int64, reals that do not overflow a double (`JSONNumberValidation`);
/// - at most `maxDepth` levels of values, counted as jansson counts them: a scalar is a level,
///   so 2,047 arrays around a number are accepted and 2,048 are not, while 2,048 nested empty
///   arrays are;
/// - at most `maxBytes` bytes, the caller's limit (jansson has none).
///
/// One difference, on purpose: jansson 2.14 silently drops a NUL byte that directly follows a
/// number or `true`/`false`/`null` (`[1\0]` reads as `[1]`: its lexer's push-back buffer ends at a
/// NUL); the scanner refuses it, as RFC 8259 does, as an unexpected character.
///
/// Nesting is tracked on a heap stack, not by recursion: a hostile body cannot overflow a thread's
/// stack.
public enum JSONScanner {
    /// jansson 2.14's `JSON_PARSER_MAX_DEPTH`.
    public static let maxDepth = 2048

    /// Scans `body`, handing its events to `consumer`.
    ///
    /// Strings and keys handed out borrow `body` and the scanner's memory, valid until this
    /// returns: a consumer may hold them during the scan (a key until its value shows whether to
    /// serve it), and must copy what it keeps after.
    /// - Throws: `JSONScanError` at the first rule broken; events up to there have been sent.
    @inlinable
    public static func scan<Consumer: JSONScanConsumer>(_ body: UnsafeRawBufferPointer, maxBytes: Int,
                                                        into consumer: inout Consumer) throws(JSONScanError) {
        guard body.count <= maxBytes else { throw JSONScanError(.tooLarge, at: maxBytes, in: body) }
        var strings = JSONStringReader(body)
        defer { strings.deallocate() }
        var keys = JSONDuplicateKeys()
        // One entry per open container, true for an object.
        var containers: [Bool] = []
        containers.reserveCapacity(16)
        // While a value the consumer skipped is being scanned: the level it sits at. Values at
        // or below it (deeper) send no events.
        var quietLevel = Int.max
        var offset = whiteSpaceEnd(from: 0, in: body)
        guard offset < body.count, body[offset] == UInt8(ascii: "{") || body[offset] == UInt8(ascii: "[") else {
            throw JSONScanError(.notObjectOrArray, at: offset, in: body)
        }
        var state = State.value
        while true {
            switch state {
            case .value:
                let level = containers.count
                guard level < maxDepth else { throw JSONScanError(.tooDeep, at: offset, in: body) }
                guard offset < body.count else { throw JSONScanError(.unexpectedEnd, at: offset, in: body) }
                let isHeard = level < quietLevel
                switch body[offset] {
                case UInt8(ascii: "{"):
                    if isHeard, consumer.beginObject(at: offset) == .skip { quietLevel = level }
                    containers.append(true)
                    keys.beginObject()
                    offset = whiteSpaceEnd(from: offset + 1, in: body)
                    state = offset < body.count && body[offset] == UInt8(ascii: "}") ? .end : .key
                case UInt8(ascii: "["):
                    if isHeard, consumer.beginArray(at: offset) == .skip { quietLevel = level }
                    containers.append(false)
                    offset = whiteSpaceEnd(from: offset + 1, in: body)
                    state = offset < body.count && body[offset] == UInt8(ascii: "]") ? .end : .value
                case UInt8(ascii: "\""):
                    let (string, end) = try strings.string(at: offset)
                    if isHeard { consumer.scalar(JSONScalar(kind: .string, text: string, range: offset..<end)) }
                    offset = end
                    state = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let (kind, end) = try JSONNumberValidation.scan(from: offset, in: body)
                    if isHeard { consumer.scalar(verbatim(kind, offset..<end, in: body)) }
                    offset = end
                    state = .afterValue
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let (kind, end) = try literal(at: offset, in: body)
                    if isHeard { consumer.scalar(verbatim(kind, offset..<end, in: body)) }
                    offset = end
                    state = .afterValue
                default:
                    throw JSONScanError(.unexpectedCharacter, at: offset, in: body)
                }
            case .key:
                guard offset < body.count else { throw JSONScanError(.unexpectedEnd, at: offset, in: body) }
                guard body[offset] == UInt8(ascii: "\"") else { throw JSONScanError(.unexpectedCharacter, at: offset, in: body) }
                let (key, end) = try strings.string(at: offset)
                guard keys.insert(key.utf8) else { throw JSONScanError(.duplicateKey, at: offset, in: body) }
                offset = whiteSpaceEnd(from: end, in: body)
                guard offset < body.count else { throw JSONScanError(.unexpectedEnd, at: offset, in: body) }
                guard body[offset] == UInt8(ascii: ":") else { throw JSONScanError(.unexpectedCharacter, at: offset, in: body) }
                offset = whiteSpaceEnd(from: offset + 1, in: body)
                let level = containers.count
                if level - 1 < quietLevel, consumer.key(key) == .skip { quietLevel = level }
                state = .value
            case .afterValue:
                if containers.count == quietLevel { quietLevel = .max }
                offset = whiteSpaceEnd(from: offset, in: body)
                guard let isObject = containers.last else {
                    guard offset == body.count else { throw JSONScanError(.trailingCharacters, at: offset, in: body) }
                    return
                }
                guard offset < body.count else { throw JSONScanError(.unexpectedEnd, at: offset, in: body) }
                switch body[offset] {
                case UInt8(ascii: ","):
                    offset = whiteSpaceEnd(from: offset + 1, in: body)
                    state = isObject ? .key : .value
                case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject:
                    state = .end
                default:
                    throw JSONScanError(.unexpectedCharacter, at: offset, in: body)
                }
            case .end:
                // At the `}` or `]` that closes the innermost container.
                offset += 1
                let isObject = containers.removeLast()
                let isHeard = containers.count < quietLevel
                if isObject {
                    keys.endObject()
                    if isHeard { consumer.endObject(at: offset) }
                } else if isHeard {
                    consumer.endArray(at: offset)
                }
                state = .afterValue
            }
        }
    }

    /// Where the scan is, between two tokens.
    @usableFromInline
    enum State {
        /// A value starts here (after white space).
        case value
        /// A key starts here, inside an object.
        case key
        /// A value ended here: a comma, the container's end or (at the top) the text's end follows.
        case afterValue
        /// The innermost container ends here.
        case end
    }

    /// `true`, `false` or `null` starting at `start`.
    @inlinable
    static func literal(at start: Int, in body: UnsafeRawBufferPointer) throws(JSONScanError) -> (kind: JSONScalar.Kind, end: Int) {
        let (kind, word): (JSONScalar.Kind, StaticString) = switch body[start] {
        case UInt8(ascii: "t"): (.bool, "true")
        case UInt8(ascii: "f"): (.bool, "false")
        default: (.null, "null")
        }
        let end = start + word.utf8CodeUnitCount
        guard end <= body.count,
              memcmp(body.baseAddress! + start, word.utf8Start, word.utf8CodeUnitCount) == 0 else {
            throw JSONScanError(.unexpectedCharacter, at: start, in: body)
        }
        return (kind, end)
    }

    /// A number or literal, whose text as sent is its JSON.
    @inlinable
    static func verbatim(_ kind: JSONScalar.Kind, _ range: Range<Int>, in body: UnsafeRawBufferPointer) -> JSONScalar {
        let text = UnsafeRawBufferPointer(rebasing: body[range])
        return JSONScalar(kind: kind, text: JSONString(text, json: text, hasEscapes: false), range: range)
    }

    /// The offset of the first byte from `start` on that is not RFC 8259 white space.
    @inlinable
    static func whiteSpaceEnd(from start: Int, in body: UnsafeRawBufferPointer) -> Int {
        var offset = start
        while offset < body.count {
            switch body[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): offset += 1
            default: return offset
            }
        }
        return offset
    }
}
