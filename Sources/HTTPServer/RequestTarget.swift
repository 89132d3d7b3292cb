/// The request target as the client sent it, decoded here rather than by libmicrohttpd: MHD
/// decodes `%00` into a NUL that ends its C string, so `/v1/x/dossier%00junk` would reach the
/// handler as `/v1/x/dossier`. Decoding the raw bytes keeps the whole target and tells whether it
/// held a NUL.
struct RequestTarget {
    /// The path, percent-decoded, without the query.
    let path: String
    /// The query's `name=value` pairs, `+` read as a space and percent-decoded, as MHD reads them.
    let query: [(name: String, value: String)]
    /// A `%00` decoded somewhere in the path or query.
    let containsNUL: Bool

    init(raw: [UInt8]) {
        let questionMark = raw.firstIndex(of: UInt8(ascii: "?"))
        var sawNUL = false
        func decoded(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String {
            let bytes = RequestTarget.percentDecoded(bytes, plusIsSpace: plusIsSpace)
            if bytes.contains(0) { sawNUL = true }
            return String(decoding: bytes, as: UTF8.self)
        }
        path = decoded(raw[..<(questionMark ?? raw.endIndex)], plusIsSpace: false)
        var query: [(name: String, value: String)] = []
        if let questionMark {
            for pair in raw[(questionMark + 1)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                query.append((decoded(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true),
                              equals.map { decoded(pair[($0 + 1)...], plusIsSpace: true) } ?? ""))
            }
        }
        self.query = query
        containsNUL = sawNUL
    }

    /// `%XX` with two hex digits becomes its byte; any other `%` stays as it is (as MHD leaves it).
    private static func percentDecoded(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let decoded = hexByte(bytes[index + 1], bytes[index + 2]) {
                output.append(decoded)
                index += 3
            } else {
                output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    /// The byte two hex digits spell, or `nil` if they are not both hex digits.
    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        let digits = [high, low]
        guard digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
        return UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
    }
}
