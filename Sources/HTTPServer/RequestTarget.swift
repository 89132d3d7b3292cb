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
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
