import Glibc

/// Values the gateway writes itself, not copied from a scanned text: member names known when the
/// code is written, Swift strings, integers, `null`, and ASCII text made in place (hex digits, a
/// time); and a value written by these rules elsewhere (a served section's data), copied in. Strings follow the output rules of `JSONOutput`, so an audit line written this way is
/// byte for byte what jansson's compact encoding of the same members was.
extension JSONOutput {
    /// A member name that is plain ASCII without `"`, `\` or control characters.
    public mutating func key(_ key: StaticString) {
        precondition(key.hasPointerRepresentation && key.isASCII, "a member name known in advance is ASCII")
        let name = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        write(comma: followsValue, upTo: name.count + 3) { buffer in
            buffer.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
            memcpy(buffer + 1, name.baseAddress!, name.count)
            buffer.storeBytes(of: UInt8(ascii: "\""), toByteOffset: name.count + 1, as: UInt8.self)
            buffer.storeBytes(of: UInt8(ascii: ":"), toByteOffset: name.count + 2, as: UInt8.self)
            return name.count + 3
        }
        followsValue = false
    }

    /// `text` as a JSON string, escaped by the rules above.
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            let text = UnsafeRawBufferPointer(utf8)
            write(comma: followsValue, upTo: 6 * text.count + 2) { Self.quote(text, into: $0) }
        }
        followsValue = true
    }

    /// A member name from text (a source's name), escaped by the rules above.
    public mutating func key(quoting text: String) {
        var text = text
        text.withUTF8 { utf8 in
            let text = UnsafeRawBufferPointer(utf8)
            write(comma: followsValue, upTo: 6 * text.count + 3) { buffer in
                let written = Self.quote(text, into: buffer)
                buffer.storeBytes(of: UInt8(ascii: ":"), toByteOffset: written, as: UInt8.self)
                return written + 1
            }
        }
        followsValue = false
    }

    /// A member whose value is text.
    public mutating func member(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    /// A member whose value is an integer.
    public mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    /// A member whose value is `true` or `false`.
    public mutating func member(_ name: StaticString, _ value: Bool) {
        key(name)
        let text: StaticString = value ? "true" : "false"
        json(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A member whose value is an array of text.
    public mutating func member(_ name: StaticString, _ texts: [String]) {
        key(name)
        beginArray()
        for text in texts { string(text) }
        endArray()
    }

    /// A value already written as compact JSON by these rules (a section's data, written by its
    /// view), copied as it is.
    public mutating func json(_ value: UnsafeRawBufferPointer) {
        write(comma: followsValue, upTo: value.count) { buffer in
            if !value.isEmpty { memcpy(buffer, value.baseAddress!, value.count) }
            return value.count
        }
        followsValue = true
    }

    /// `text` as a JSON string, or `null` when there is none.
    public mutating func string(orNull text: String?) {
        if let text { string(text) } else { null() }
    }

    /// A string of at most `maxCount` ASCII bytes that need no escape (hex digits, a time),
    /// written in place by `body`, which returns how many it wrote.
    public mutating func asciiString(upTo maxCount: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        write(comma: followsValue, upTo: maxCount + 2) { buffer in
            buffer.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
            let count = body(buffer + 1)
            precondition(count <= maxCount, "an ASCII string wrote past the room it asked for")
            buffer.storeBytes(of: UInt8(ascii: "\""), toByteOffset: count + 1, as: UInt8.self)
            return count + 2
        }
        followsValue = true
    }

    /// `value` in decimal.
    public mutating func integer(_ value: Int) {
        write(comma: followsValue, upTo: Self.maxIntegerDigits) { Self.writeInteger(value, into: $0) }
        followsValue = true
    }

    public mutating func null() {
        write(comma: followsValue, upTo: 4) { buffer in
            for (offset, byte) in "null".utf8.enumerated() { buffer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
            return 4
        }
        followsValue = true
    }

    /// What has been written, as an array of its own (the buffer, without copying it); the output
    /// is empty after it.
    public mutating func finished() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &storage)
        bytes.removeLast(bytes.count - count)
        count = 0
        followsValue = false
        return bytes
    }

    /// Appends `value` in decimal to `bytes`.
    public static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: maxIntegerDigits))
        let written = bytes.withUnsafeMutableBytes { writeInteger(value, into: $0.baseAddress! + start) }
        bytes.removeLast(maxIntegerDigits - written)
    }

    /// A sign and the 19 digits of `Int.min`.
    private static let maxIntegerDigits = 20

    /// Writes `value` in decimal; returns how many bytes it wrote.
    private static func writeInteger(_ value: Int, into buffer: UnsafeMutableRawPointer) -> Int {
        var digits = value.magnitude, count = 0
        repeat {
            count += 1
            digits /= 10
        } while digits > 0
        let sign = value < 0 ? 1 : 0
        if sign == 1 { buffer.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self) }
        digits = value.magnitude
        for offset in stride(from: sign + count - 1, through: sign, by: -1) {
            buffer.storeBytes(of: UInt8(ascii: "0") + UInt8(digits % 10), toByteOffset: offset, as: UInt8.self)
            digits /= 10
        }
        return sign + count
    }

    /// A comma if `comma`, then what `body` writes into room for `maxCount` bytes.
    private mutating func write(comma: Bool, upTo maxCount: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        write(upTo: maxCount + 1) { buffer in
            guard comma else { return body(buffer) }
            buffer.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
            return 1 + body(buffer + 1)
        }
    }
}
