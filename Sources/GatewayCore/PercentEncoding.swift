/// RFC 3986 percent-encoding of one path segment.
///
/// Property ids are validated already; encoding them anyway means no future id format
/// can turn into a path, query or fragment of an upstream URL.
public enum PercentEncoding {
    public static func encodePathSegment(_ segment: String) -> String {
        // Valid property ids need no encoding: they are returned as they are.
        guard segment.utf8.contains(where: { !isUnreserved($0) }) else { return segment }
        var encoded = ""
        encoded.reserveCapacity(segment.utf8.count)
        for byte in segment.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return encoded
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~")
    }

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(Unicode.Scalar(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10))
    }
}
