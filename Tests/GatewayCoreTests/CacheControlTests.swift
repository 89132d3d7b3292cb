import GatewayCore
import Testing

/// How long an upstream answer may be reused: our TTL, capped or vetoed by the department.
struct CacheControlTests {
    /// A table of `Cache-Control` headers against a 30 s TTL.
    @Test(arguments: [
        (nil, 30), ("max-age=10", 10), ("public, max-age=60", 30), ("no-store", nil), ("No-Cache", nil),
        ("private, max-age=100", nil), ("max-age=0", nil), ("max-age=abc", nil), ("must-revalidate", 30),
    ] as [(String?, Int?)])
    func freshness(_ header: String?, seconds: Int?) {
        #expect(CacheControl.freshness(ttl: .seconds(30), header: header) == seconds.map { .seconds($0) })
    }

    /// Without a TTL nothing is cached, whatever the department says.
    @Test func zeroTTLCachesNothing() {
        #expect(CacheControl.freshness(ttl: .zero, header: "max-age=600") == nil)
    }
}
