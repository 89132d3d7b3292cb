import Glibc

/// Compact JSON text appended straight into a byte buffer, the writer placing the commas.
///
/// Output rules (what a served department section looks like):
/// - keys and strings are escaped as the dossier's `JSONWriter` escapes them: `"`, `\` and the
///   control characters (`\b \f \n \r \t`, the others `\u00XX`); every other byte, UTF-8
///   included, as it is (`\/` and `\u00e9` arrive as `/` and `é`). A string sent without escapes
///   is copied as sent, in one piece.
/// - numbers are written as the department sent them: the scanner has checked their grammar and
///   range, and jansson (or any reader) reads them to the same value. So `-0`, `1.50` and `1E+2`
///   stay as they are, where `JSONWriter`'s walk of a jansson tree writes `0`, `1.5` and `100.0`.
/// - `true`, `false`, `null` as they are; no white space anywhere.
///
/// Each call writes through one borrow of the buffer (one uniqueness check, a `memcpy`), which is
/// several times cheaper than `Array.append(contentsOf:)` for the short pieces JSON is made of.
public struct JSONOutput {
    /// Zeros past `count`: room already made.
    var storage: [UInt8]
    var count = 0
    /// Whether a value was just completed, so that the next member or element needs a comma.
    var followsValue = false

    public init(capacity: Int) {
        storage = Array(repeating: 0, count: max(capacity, 64))
    }

    /// What has been written.
    public var bytes: ArraySlice<UInt8> { storage[..<count] }

    public mutating func beginObject() { begin(UInt8(ascii: "{")) }
    public mutating func endObject() { end(UInt8(ascii: "}")) }
    public mutating func beginArray() { begin(UInt8(ascii: "[")) }
    public mutating func endArray() { end(UInt8(ascii: "]")) }

    public mutating func key(_ key: JSONString) {
        write(key, then: UInt8(ascii: ":"))
        followsValue = false
    }

    public mutating func scalar(_ scalar: JSONScalar) {
        write(scalar.text, then: nil)
        followsValue = true
    }

    private mutating func begin(_ bracket: UInt8) {
        punctuation(bracket, after: followsValue)
        followsValue = false
    }

    private mutating func end(_ bracket: UInt8) {
        punctuation(bracket, after: false)
        followsValue = true
    }

    /// `byte`, after a comma when `comma`.
    private mutating func punctuation(_ byte: UInt8, after comma: Bool) {
        write(upTo: 2) { buffer in
            if comma { buffer.storeBytes(of: UInt8(ascii: ","), as: UInt8.self) }
            buffer.storeBytes(of: byte, toByteOffset: comma ? 1 : 0, as: UInt8.self)
            return comma ? 2 : 1
        }
    }

    /// A comma if due, then `text` (quoted and escaped again when it was sent with escapes, else
    /// as sent), then `suffix`.
    private mutating func write(_ text: JSONString, then suffix: UInt8?) {
        let comma = followsValue
        let escaping = text.hasEscapes
        // An escape takes at most six bytes (`\u001f`) per decoded byte.
        write(upTo: (escaping ? 6 * text.utf8.count + 2 : text.json.count) + 2) { buffer in
            var written = 0
            if comma {
                buffer.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
                written = 1
            }
            if escaping {
                written += Self.quote(text.utf8, into: buffer + written)
            } else {
                memcpy(buffer + written, text.json.baseAddress!, text.json.count)
                written += text.json.count
            }
            if let suffix {
                buffer.storeBytes(of: suffix, toByteOffset: written, as: UInt8.self)
                written += 1
            }
            return written
        }
    }

    /// Makes room for `maxCount` more bytes, then lets `body` write them and say how many it wrote.
    mutating func write(upTo maxCount: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        if count + maxCount > storage.count {
            storage += [UInt8](repeating: 0, count: max(storage.count, count + maxCount - storage.count))
        }
        let start = count
        count += storage.withUnsafeMutableBytes { body($0.baseAddress! + start) }
    }

    /// Appends `text` (valid UTF-8) to `bytes` as a JSON string by the rules above: how
    /// `JSONWriter` writes the strings and keys of a jansson tree.
    static func appendQuoted(_ text: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        guard text.contains(where: needsEscape) else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: text)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        let room = 6 * text.count + 2
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: room))
        let written = bytes.withUnsafeMutableBytes { quote(text, into: $0.baseAddress! + start) }
        bytes.removeLast(room - written)
    }

    /// Writes `text` (valid UTF-8) as a JSON string by the rules above, into room for six bytes
    /// per byte of `text` plus two; returns how many bytes it wrote. Runs that need no escape are
    /// copied in one piece.
    static func quote(_ text: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawPointer) -> Int {
        buffer.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        var written = 1
        var runStart = 0
        func copyRun(upTo end: Int) {
            guard end > runStart else { return }
            memcpy(buffer + written, text.baseAddress! + runStart, end - runStart)
            written += end - runStart
        }
        for index in text.indices where needsEscape(text[index]) {
            copyRun(upTo: index)
            written += writeEscape(text[index], into: buffer + written)
            runStart = index + 1
        }
        copyRun(upTo: text.count)
        buffer.storeBytes(of: UInt8(ascii: "\""), toByteOffset: written, as: UInt8.self)
        return written + 1
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The escape of a byte that needs one: the short form where JSON has one, else `\u00XX`.
    /// Returns its length.
    private static func writeEscape(_ byte: UInt8, into buffer: UnsafeMutableRawPointer) -> Int {
        let short: UInt8? = switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte
        case 0x08: UInt8(ascii: "b")
        case 0x0C: UInt8(ascii: "f")
        case 0x0A: UInt8(ascii: "n")
        case 0x0D: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        default: nil
        }
        let hex = Array("0123456789abcdef".utf8)
        let escape: [UInt8] = short.map { [UInt8(ascii: "\\"), $0] }
            ?? [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        for (offset, byte) in escape.enumerated() { buffer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
        return escape.count
    }
}
