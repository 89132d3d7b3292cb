import Glibc

/// Finds bytes of a request's header lines that libmicrohttpd's C strings do not show: a NUL in a
/// header value ends the value MHD hands over (`X-Purpose: case\0hidden` reads as `case`), and MHD
/// 0.9.75 neither refuses nor reports it.
///
/// MHD parses the request line and the headers in place, in one block of its read buffer that
/// starts at the request's method and is `MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE` bytes long: each
/// line's end (CR LF, or a bare LF) and each header's colon are overwritten with NULs, and each
/// header's name and value point into the block, in order. So after a value's last character there
/// must be nothing but that line's end (1 or 2 NULs, or 2 to 4 for the last header, whose line is
/// followed by the empty line) up to the next header's name. Anything else there was hidden behind
/// a NUL. A header whose name or value lies outside the block was copied by MHD: a folded line.
enum HeaderBlock {
    struct Field {
        let name: UnsafePointer<CChar>
        let value: UnsafePointer<CChar>
    }

    /// The defect of the header lines, or `nil` when every byte of them is in the strings MHD hands over.
    /// - Parameters:
    ///   - start: the request's method, where the block starts.
    ///   - size: the block's size in bytes.
    ///   - fields: the header fields in the order MHD received them.
    static func defect(start: UnsafePointer<CChar>, size: Int, fields: [Field]) -> RequestDefect? {
        let end = start + size
        for (index, field) in fields.enumerated() {
            guard start <= field.name, field.name < field.value, field.value < end else { return .foldedHeaderLine }
            let nameEnd = field.name + strlen(field.name)
            // The colon (now a NUL), then only the white space before the value.
            guard nameEnd < field.value, (nameEnd + 1..<field.value).allSatisfy({ $0.pointee == 0x20 || $0.pointee == 0x09 }) else {
                return .nulInHeaderValue
            }
            let isLast = index == fields.count - 1
            let next = isLast ? end : fields[index + 1].name
            let valueEnd = field.value + strlen(field.value)
            guard valueEnd <= next, (isLast ? 2...4 : 1...2).contains(next - valueEnd) else {
                return next < start || next > end ? .foldedHeaderLine : .nulInHeaderValue
            }
            guard (valueEnd..<next).allSatisfy({ $0.pointee == 0 }) else { return .nulInHeaderValue }
        }
        return nil
    }
}
