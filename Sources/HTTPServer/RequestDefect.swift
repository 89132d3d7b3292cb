/// Why a request cannot be read safely, decided from its request line and headers before any of
/// its body is read. The handler still answers it (so the answer can be a documented refusal, and
/// audited), but gets no body, and the connection is closed after the answer: where the body ends
/// is unknown or disputed, so nothing after it on the connection can be trusted to be a request.
public enum RequestDefect: Sendable, Equatable {
    /// `Content-Length` and `Transfer-Encoding` together: a front proxy may frame the body by one
    /// and this server by the other, and the rest becomes a smuggled request.
    case contentLengthWithTransferEncoding
    /// Several `Content-Length` headers that differ.
    case conflictingContentLengths
    /// `Transfer-Encoding` in an HTTP/1.0 request, which has no chunked framing.
    case transferEncodingInHTTP10
    /// A `Transfer-Encoding` other than exactly `chunked` (in any case), or more than one.
    case unsupportedTransferEncoding
    /// A NUL character in the request target, sent raw or as `%00` in the path or query: the
    /// server's C strings would end there and silently serve a shorter path.
    case nulInTarget
    /// A NUL character in a header value: the value would silently end there (`X-Purpose: case\0hidden`
    /// would be audited as `case`).
    case nulInHeaderValue
    /// A header line continued on the next line (obsolete line folding, refused as RFC 9112 allows).
    case foldedHeaderLine
}
