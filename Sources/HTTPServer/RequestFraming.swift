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
    static func defect(headers: HTTPHeaders, version: String) -> RequestDefect? {
        let lengths = headers.values("content-length")
        let encodings = headers.values("transfer-encoding")
        if !encodings.isEmpty {
            if !lengths.isEmpty { return .contentLengthWithTransferEncoding }
            if version == "HTTP/1.0" { return .transferEncodingInHTTP10 }
            let coding = encodings.first.map { $0.lowercased().filter { $0 != " " && $0 != "\t" } }
            guard encodings.count == 1, coding == "chunked" else { return .unsupportedTransferEncoding }
        }
        if Set(lengths).count > 1 { return .conflictingContentLengths }
        return nil
    }
}
