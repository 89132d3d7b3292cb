import GatewayCore
import Testing

/// Who the client is behind trusted proxies: the right-most address of the forwarding chain that
/// is not a trusted proxy (README "Security"). Addresses are from the documentation ranges.
struct TrustedProxiesTests {
    static let proxies = TrustedProxies([IPv4Network("10.0.0.0/8")!, IPv4Network("192.0.2.1")!])

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let peer: String
        var forwardedFor: [String] = []
        var forwarded: [String] = []
        let client: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "an untrusted peer is the client, whatever it claims", peer: "203.0.113.7", forwardedFor: ["198.51.100.9"],
             client: "203.0.113.7"),
        Case(name: "a proxy's own request", peer: "10.1.2.3", client: "10.1.2.3"),
        Case(name: "one proxy", peer: "10.1.2.3", forwardedFor: ["203.0.113.7"], client: "203.0.113.7"),
        Case(name: "a forged entry left of the proxy's is ignored", peer: "10.1.2.3", forwardedFor: ["198.51.100.9, 203.0.113.7"],
             client: "203.0.113.7"),
        Case(name: "garbage left of the client is ignored", peer: "10.1.2.3", forwardedFor: ["not an address, 203.0.113.7"],
             client: "203.0.113.7"),
        Case(name: "two proxies, header lines in order", peer: "10.1.2.3", forwardedFor: ["203.0.113.7", "192.0.2.1"],
             client: "203.0.113.7"),
        Case(name: "every hop trusted: the left-most", peer: "10.1.2.3", forwardedFor: ["10.9.9.9, 192.0.2.1"], client: "10.9.9.9"),
        Case(name: "an untrusted hop between proxies is the client", peer: "10.1.2.3", forwardedFor: ["203.0.113.7, 198.51.100.9, 192.0.2.1"],
             client: "198.51.100.9"),
        Case(name: "IPv6 client, canonical", peer: "10.1.2.3", forwardedFor: ["2001:DB8:0::1"], client: "2001:db8::1"),
        Case(name: "IPv4-mapped IPv6 client, as its IPv4 address", peer: "10.1.2.3", forwardedFor: ["::ffff:203.0.113.7"],
             client: "203.0.113.7"),
        Case(name: "a trusted proxy written IPv4-mapped (a dual-stack listener) is still a trusted proxy", peer: "10.1.2.3",
             forwardedFor: ["203.0.113.7, ::FFFF:192.0.2.1"], client: "203.0.113.7"),
        Case(name: "Forwarded, IPv4-mapped in brackets", peer: "10.1.2.3", forwarded: [#"for="[::ffff:203.0.113.7]:4711""#],
             client: "203.0.113.7"),
        Case(name: "white space and empty elements", peer: "10.1.2.3", forwardedFor: [" 203.0.113.7 ,, "], client: "203.0.113.7"),
        Case(name: "Forwarded", peer: "10.1.2.3", forwarded: ["for=198.51.100.9;proto=https, For=203.0.113.7;by=10.1.2.3"],
             client: "203.0.113.7"),
        Case(name: "Forwarded, quoted with port", peer: "10.1.2.3", forwarded: [#"for="203.0.113.7:4711""#], client: "203.0.113.7"),
        Case(name: "Forwarded, IPv6 in brackets with port", peer: "10.1.2.3", forwarded: [#"for="[2001:db8:cafe::17]:4711""#],
             client: "2001:db8:cafe::17"),
    ])
    func resolvesTheClient(_ row: Case) throws {
        #expect(try Self.proxies.clientAddress(peer: row.peer, forwardedFor: row.forwardedFor, forwarded: row.forwarded) == row.client)
    }

    /// What a trusted proxy's headers cannot be: both kinds at once, or an entry right of the
    /// client that is not an address. Refused, never guessed.
    @Test(arguments: [
        Case(name: "both headers", peer: "10.1.2.3", forwardedFor: ["203.0.113.7"], forwarded: ["for=203.0.113.7"], client: ""),
        Case(name: "the proxy's entry is no address", peer: "10.1.2.3", forwardedFor: ["203.0.113.7, unknown"], client: ""),
        Case(name: "obfuscated Forwarded node", peer: "10.1.2.3", forwarded: ["for=_hidden"], client: ""),
        Case(name: "Forwarded without for=", peer: "10.1.2.3", forwarded: ["proto=https"], client: ""),
    ])
    func refusesUnclearForwarding(_ row: Case) throws {
        let problem = try #require(throws: Problem.self) {
            try Self.proxies.clientAddress(peer: row.peer, forwardedFor: row.forwardedFor, forwarded: row.forwarded)
        }
        #expect(problem.kind == "invalid-forwarded-for")
        #expect(problem.status == 400)
    }

    /// The guards' key of a client: an IPv4 address is itself; an IPv6 address is its /64, which
    /// one subscriber holds whole and may rotate through at will.
    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8::1", "2001:db8::/64"),
        ("::1", "::/64"),
        ("", ""),
    ])
    func guardKeys(_ address: String, key: String) {
        #expect(AddressGuardKey.of(address) == key)
    }

    /// CIDR blocks: a bare address is a /32, host bits past the prefix are refused.
    @Test func networks() throws {
        let block = try #require(IPv4Network("198.51.100.0/24"))
        #expect(block.contains(IPv4Network.address("198.51.100.255")!))
        #expect(!block.contains(IPv4Network.address("198.51.101.0")!))
        #expect(IPv4Network("0.0.0.0/0")!.contains(IPv4Network.address("203.0.113.7")!))
        #expect(IPv4Network("192.0.2.1")?.prefixLength == 32)
        #expect(IPv4Network("192.0.2.1")?.description == "192.0.2.1/32")
        #expect(IPv4Network("10.128.0.0/9")?.description == "10.128.0.0/9")
        for invalid in ["198.51.100.1/24", "198.51.100.0/33", "198.51.100.0/", "198.51.100.0/+8", "::1", "", "300.1.1.1"] {
            #expect(IPv4Network(invalid) == nil, "\(invalid)")
        }
    }
}
