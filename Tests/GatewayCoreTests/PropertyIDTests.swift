import Testing
import GatewayCore

struct PropertyIDTests {
    /// Case ids, 28-character 不动产单元号, hyphens and exactly 64 characters are accepted unchanged.
    @Test(arguments: [
        "LA2023001",
        "341502001001GB00001F00010001",
        "LA-FAULT-TAX-TIMEOUT",
        "a",
        "0",
        String(repeating: "A", count: 64),
    ])
    func acceptsValidIDs(_ raw: String) throws {
        let id = try #require(PropertyID(raw))
        #expect(id.rawValue == raw)
        #expect(id.description == raw)
    }

    /// Anything outside 1–64 characters of [A-Za-z0-9-] is rejected.
    @Test(arguments: [
        "",
        String(repeating: "A", count: 65),
        "LA 2023001",
        "LA2023001/",
        "../etc",
        "..",
        "LA%2F001",
        "LA2023001?x=1",
        "LA2023001#frag",
        "不动产",
        "LA２０２３",
        "LA_2023",
        "LA.2023",
        "LA2023001\n",
        "LA\u{0}1",
    ])
    func rejectsInvalidIDs(_ raw: String) {
        #expect(PropertyID(raw) == nil)
    }

    /// Ids with equal raw values are equal and hash alike.
    @Test func equalityFollowsRawValue() throws {
        let a = try #require(PropertyID("LA2023001"))
        let b = try #require(PropertyID("LA2023001"))
        let c = try #require(PropertyID("la2023001"))
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }
}
