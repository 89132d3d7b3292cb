import CJansson
import Glibc

/// Why a JSON text could not be parsed; `description` is safe to show, it never quotes the text.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public let line: Int
    public let column: Int
}

extension JSON {
    /// Parses `bytes`; a duplicate key is an error, since a second value could slip past masking.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSON {
        var error = json_error_t()
        let flags = JSON_REJECT_DUPLICATES
        guard let node = json_loadb(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count, Int(flags), &error) else {
            let message = withUnsafeBytes(of: error.text) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            throw JSONParseError(description: withoutQuotedText(message), line: Int(error.line), column: Int(error.column))
        }
        return JSON(taking: node)
    }

    /// jansson ends many messages with ` near '<text>'`, quoting the input; the input may be
    /// personal data, so that part is cut.
    private static func withoutQuotedText(_ message: String) -> String {
        guard let near = message.ranges(of: " near ").first else { return message }
        return String(message[..<near.lowerBound])
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        let result: Result<JSON, JSONParseError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    /// UTF-8 text of this value: compact, or indented by two spaces when `pretty`.
    /// Non-ASCII text stays as it is; reals keep 15 significant digits so that `89.7` stays `89.7`.
    public func encoded(pretty: Bool = false) -> [UInt8] {
        let realPrecision: Int32 = (15 & 0x1F) << 11
        let layout: Int32 = pretty ? 2 : JSON_COMPACT
        let flags = Int(layout | JSON_ENCODE_ANY | realPrecision)
        // json_dumpb writes straight into our buffer and says how much it needed: one pass
        // unless the first guess was too small. (json_dumps would build a C string to copy,
        // and json_dump_callback calls back for every token.)
        var capacity = 8192
        while true {
            var needed = 0
            let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                needed = json_dumpb(node, buffer.baseAddress, capacity, flags)
                count = needed <= capacity ? needed : 0
            }
            if needed <= capacity { return output }
            capacity = needed
        }
    }

    public func encodedString(pretty: Bool = false) -> String {
        String(decoding: encoded(pretty: pretty), as: UTF8.self)
    }
}
