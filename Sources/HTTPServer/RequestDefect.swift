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
    /// A header name that is not a token (RFC 9110 §5.1): empty, or with white space (before the
    /// colon: RFC 9112 §5.1 asks for a 400) or a separator in it. libmicrohttpd keeps such a name as
    /// a header of its own, so `Authorization : …` beside an `Authorization` would slip past the
    /// duplicate check, and `Transfer-Encoding : chunked` past the framing check, while a proxy in
    /// front that trims the name reads them as the real thing.
    case invalidHeaderName
    /// A `Content-Length` over the server's body limit: refused before any of the body is read.
    case contentLengthOverLimit
}
