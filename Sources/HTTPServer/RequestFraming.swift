/// Where the body of a request ends, checked strictly before any of it is read (RFC 9112 §6):
/// libmicrohttpd reads a request with `Content-Length` and `Transfer-Encoding: chunked` as chunked,
/// takes the first of two different `Content-Length`s, and waits for the connection to close after
/// an unknown `Transfer-Encoding`. Behind a front proxy that frames the body the other way, each of
/// these lets a second request hide inside the first one's body.
enum RequestFraming {
    /// The defect in the framing headers of a request, or `nil` when its body's end is unambiguous.
    /// - Parameters:
    ///   - headers: every header field, in the order received.
    ///   - version: the request line's HTTP version, e.g. `HTTP/1.1`.
    ///   - maxBodyBytes: the longest body the server reads.
    static func defect(headers: HTTPHeaders, version: String, maxBodyBytes: Int) -> RequestDefect? {
        let lengths = headers.values("content-length")
        let encodings = headers.values("transfer-encoding")
        if !encodings.isEmpty {
            if !lengths.isEmpty { return .contentLengthWithTransferEncoding }
            if version == "HTTP/1.0" { return .transferEncodingInHTTP10 }
            // Compared as libmicrohttpd compares it (its value skips the white space before, not
            // after): `chunked ` would pass a trimmed comparison, and libmicrohttpd would then read the
            // body as one that ends only with the connection.
            guard encodings.count == 1, encodings[0].lowercased() == "chunked" else { return .unsupportedTransferEncoding }
        }
        if Set(lengths).count > 1 { return .conflictingContentLengths }
        if let length = lengths.first, Self.exceeds(length, maxBodyBytes) { return .contentLengthOverLimit }
        return nil
    }

    /// Whether a `Content-Length` of digits says more than `limit` (also when it does not fit in 64
    /// bits); one that is not a number is left to libmicrohttpd, which answers it 400 itself.
    private static func exceeds(_ length: String, _ limit: Int) -> Bool {
        guard !length.isEmpty, length.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return false }
        return UInt64(length).map { $0 > UInt64(limit) } ?? true
    }
}
