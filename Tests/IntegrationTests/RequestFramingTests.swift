@testable import HTTPServer
import Testing

/// The framing rules and the target decoding on their own, without sockets (the raw-socket
/// `FramingTests` show them at work in the server).
struct RequestFramingTests {
    @Test(arguments: [
        ([("content-length", "5")], "HTTP/1.1", nil),
        ([("content-length", "5"), ("content-length", "5")], "HTTP/1.1", nil),
        ([("transfer-encoding", "chunked")], "HTTP/1.1", nil),
        ([("transfer-encoding", "Chunked")], "HTTP/1.1", nil),
        ([("transfer-encoding", "chunked ")], "HTTP/1.1", .unsupportedTransferEncoding),
        ([("transfer-encoding", "chun ked")], "HTTP/1.1", .unsupportedTransferEncoding),
        ([("content-length", "65536")], "HTTP/1.1", nil),
        ([("content-length", "65537")], "HTTP/1.1", .contentLengthOverLimit),
        ([("Content-Length", "100000000000000000000")], "HTTP/1.1", .contentLengthOverLimit),
        ([("content-length", "five")], "HTTP/1.1", nil),
        ([("content-length", "5"), ("content-length", "6")], "HTTP/1.1", RequestDefect.conflictingContentLengths),
        ([("Content-Length", "5"), ("content-length", "6")], "HTTP/1.1", .conflictingContentLengths),
        ([("Content-Length", "5"), ("Transfer-Encoding", "chunked")], "HTTP/1.1", .contentLengthWithTransferEncoding),
        ([("content-length", "5"), ("transfer-encoding", "chunked")], "HTTP/1.1", .contentLengthWithTransferEncoding),
        ([("transfer-encoding", "chunked")], "HTTP/1.0", .transferEncodingInHTTP10),
        ([("transfer-encoding", "xchunked")], "HTTP/1.1", .unsupportedTransferEncoding),
        ([("transfer-encoding", "gzip, chunked")], "HTTP/1.1", .unsupportedTransferEncoding),
        ([("transfer-encoding", "chunked"), ("transfer-encoding", "chunked")], "HTTP/1.1", .unsupportedTransferEncoding),
        ([("transfer-encoding", "identity")], "HTTP/1.1", .unsupportedTransferEncoding),
    ] as [([(String, String)], String, RequestDefect?)])
    func framing(_ headers: [(String, String)], version: String, expected: RequestDefect?) {
        #expect(RequestFraming.defect(headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }), version: version,
                                      maxBodyBytes: 65536) == expected)
    }

    /// Decoded as libmicrohttpd decodes (a `%` without two hex digits stays, `+` is a space in the
    /// query only), and a `%00` anywhere is noticed.
    @Test func targetDecoding() {
        let target = RequestTarget(raw: Array("/v1/a%2Fb%zz+c?x=1+2&y=%E7%99%BB&flag&&z=%4".utf8))
        #expect(target.path == "/v1/a/b%zz+c")
        #expect(target.query.map { "\($0.name)=\($0.value)" } == ["x=1 2", "y=登", "flag=", "z=%4"])
        #expect(!target.containsNUL)
        #expect(RequestTarget(raw: Array("/a%00b".utf8)).containsNUL)
        #expect(RequestTarget(raw: Array("/a?b=%00".utf8)).containsNUL)
        #expect(RequestTarget(raw: Array("/a?%00=b".utf8)).containsNUL)
    }
}
