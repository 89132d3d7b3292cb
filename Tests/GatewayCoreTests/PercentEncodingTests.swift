import Testing
import GatewayCore

struct PercentEncodingTests {
    /// RFC 3986 unreserved characters pass through unchanged.
    @Test func unreservedCharactersAreKept() {
        let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
        #expect(PercentEncoding.encodePathSegment(unreserved) == unreserved)
    }

    /// Reserved, unsafe and non-ASCII characters become uppercase %XX of their UTF-8 bytes.
    @Test(arguments: [
        ("/", "%2F"),
        ("?", "%3F"),
        ("#", "%23"),
        ("%", "%25"),
        (" ", "%20"),
        ("%2F", "%252F"),
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("张", "%E5%BC%A0"),
        ("é", "%C3%A9"),
        ("😀", "%F0%9F%98%80"),
        ("\n", "%0A"),
        ("+&=;:@", "%2B%26%3D%3B%3A%40"),
        ("", ""),
    ])
    func encodesReservedAndMultibyte(_ input: String, _ expected: String) {
        #expect(PercentEncoding.encodePathSegment(input) == expected)
    }

    /// The output never contains a character that could end a path segment.
    @Test func outputHasNoSeparators() {
        let encoded = PercentEncoding.encodePathSegment("a/b?c#d e%f\\g")
        #expect(!encoded.contains("/"))
        #expect(!encoded.contains("?"))
        #expect(!encoded.contains("#"))
        #expect(!encoded.contains(" "))
        #expect(encoded == "a%2Fb%3Fc%23d%20e%25f%5Cg")
    }
}
