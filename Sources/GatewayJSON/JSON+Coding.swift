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
    /// Non-ASCII text stays as it is; reals are written in their shortest round-trip form, so
    /// that `89.7` stays `89.7`.
    public func encoded(pretty: Bool = false) -> [UInt8] {
        var writer = JSONWriter(indentWidth: pretty ? 2 : 0)
        writer.write(node)
        return writer.bytes
    }

    public func encodedString(pretty: Bool = false) -> String {
        String(decoding: encoded(pretty: pretty), as: UTF8.self)
    }
}
