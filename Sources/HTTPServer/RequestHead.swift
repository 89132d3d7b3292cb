import CMicroHTTPD
import Glibc

/// A request's line and headers, read once they are complete and before any of its body, with
/// what makes it unsafe to read further (see `RequestDefect`).
struct RequestHead: Sendable {
    let method: String
    /// The path, percent-decoded, without the query.
    let path: String
    let query: [(name: String, value: String)]
    let headers: HTTPHeaders
    let defect: RequestDefect?

    /// Reads the head of the request on `connection`, from MHD's first call of the access handler
    /// for it (`method`, `url` and `version` are that call's arguments).
    /// - Parameters:
    ///   - rawTarget: the request target as sent, copied before MHD decoded it in place.
    ///   - maxBodyBytes: the longest body the server reads.
    init(connection: OpaquePointer, method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?,
         version: UnsafePointer<CChar>?, rawTarget: [UInt8], maxBodyBytes: Int) {
        self.method = method.map { String(cString: $0) } ?? ""
        let target = RequestTarget(raw: rawTarget)
        path = target.path
        query = target.query
        var fields: [HeaderBlock.Field] = []
        _ = withUnsafeMutablePointer(to: &fields) { MHD_get_connection_values(connection, .HEADER_KIND, Self.collectField, $0) }
        headers = Self.headers(of: fields)
        let httpVersion = version.map { String(cString: $0) } ?? ""
        defect = (fields.allSatisfy { Self.isToken($0.name) } ? nil : .invalidHeaderName)
            ?? RequestFraming.defect(headers: headers, version: httpVersion, maxBodyBytes: maxBodyBytes)
            ?? Self.targetDefect(url: url, version: version, rawTarget: rawTarget, decodedContainsNUL: target.containsNUL)
            ?? method.flatMap { start in
                HeaderBlock.defect(start: start, size: eg_mhd_request_header_size(connection), fields: fields)
            }
    }

    /// The fields' bytes, copied out of MHD's buffer (which is reused once the request is answered).
    private static func headers(of fields: [HeaderBlock.Field]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        let lengths = fields.map { (name: strlen($0.name), value: strlen($0.value)) }
        headers.reserve(fields: fields.count, bytes: lengths.reduce(0) { $0 + $1.name + $1.value })
        for (field, length) in zip(fields, lengths) {
            headers.append(name: UnsafeRawBufferPointer(start: field.name, count: length.name),
                           value: UnsafeRawBufferPointer(start: field.value, count: length.value))
        }
        return headers
    }

    /// Whether `name` is a token (RFC 9110 §5.1): at least one of the visible characters but the
    /// separators.
    private static func isToken(_ name: UnsafePointer<CChar>) -> Bool {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
        return !bytes.isEmpty && bytes.allSatisfy { byte in
            (0x21...0x7E).contains(byte) && !Self.separators.contains(byte)
        }
    }

    /// The visible characters that are not `tchar`.
    private static let separators = Set(#""(),/:;<=>?@[\]{}"#.utf8)

    /// A NUL in the target: decoded from `%00`, or sent raw, which ended MHD's copy of the target
    /// early. MHD ends the target in place where the space before the version was, so the target
    /// as sent is the bytes from `url` up to the byte before `version`.
    private static func targetDefect(url: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, rawTarget: [UInt8],
                                     decodedContainsNUL: Bool) -> RequestDefect? {
        if decodedContainsNUL { return .nulInTarget }
        guard let url, let version, version > url, version - url - 1 == rawTarget.count else { return .nulInTarget }
        return nil
    }

    /// Appends each header's name and value pointers to the `[HeaderBlock.Field]` behind `fieldsPointer`.
    private static let collectField: MHD_KeyValueIterator = { fieldsPointer, _, name, value in
        guard let fieldsPointer, let name, let value else { return .YES }
        fieldsPointer.assumingMemoryBound(to: [HeaderBlock.Field].self).pointee.append(HeaderBlock.Field(name: name, value: value))
        return .YES
    }
}
