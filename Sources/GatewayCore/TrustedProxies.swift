import Glibc

/// The front proxies whose word on the client's address the gateway takes (`server.trusted_proxies`).
///
/// A request from one of them names its client in `X-Forwarded-For` or `Forwarded`, each proxy on
/// the way appending the address it was called from. Only the right end of that list is the
/// trusted proxies' own writing; anything further left may be the client's invention. So the
/// client is the right-most address that is not a trusted proxy, walking left from the peer
/// (README "Security"). A request from any other peer is from that peer, whatever it claims.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPv4Network]

    public init(_ networks: [IPv4Network] = []) {
        self.networks = networks
    }

    public func isTrusted(_ address: String) -> Bool {
        guard let number = IPv4Network.address(address) else { return false }
        return networks.contains { $0.contains(number) }
    }

    /// The address of the client behind `peer`, in canonical text.
    /// - Parameters:
    ///   - peer: the address the connection came from.
    ///   - forwardedFor: every `X-Forwarded-For` value, in the order received.
    ///   - forwarded: every `Forwarded` value, in the order received.
    /// - Throws: `invalid-forwarded-for` when a trusted proxy's request carries both headers (which
    ///   one its proxy wrote is unknown) or an entry that is not an IP address where it matters.
    public func clientAddress(peer: String, forwardedFor: [String], forwarded: [String]) throws(Problem) -> String {
        guard isTrusted(peer) else { return peer }
        if !forwardedFor.isEmpty, !forwarded.isEmpty {
            throw .invalidForwardedFor("a request from a trusted proxy carries both X-Forwarded-For and Forwarded; "
                + "configure the proxy to send one and to drop the other")
        }
        let hops = forwardedFor.isEmpty ? try Self.forwardedHops(forwarded) : Self.listElements(forwardedFor)
        var client = peer
        for hop in hops.reversed() {
            guard let address = Self.canonicalAddress(hop) else {
                throw .invalidForwardedFor("\(forwardedFor.isEmpty ? "Forwarded" : "X-Forwarded-For") names "
                    + "\"\(hop.prefix(64))\", which is not an IP address")
            }
            client = address
            guard isTrusted(address) else { break }
        }
        return client
    }

    /// The comma-separated elements of a list header's values, trimmed, empty ones dropped.
    private static func listElements(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
    }

    /// The `for=` node of each element of `Forwarded` (RFC 7239): quotes, brackets around an IPv6
    /// address and a port are taken off.
    private static func forwardedHops(_ values: [String]) throws(Problem) -> [String] {
        var hops: [String] = []
        for element in listElements(values) {
            let node = element.split(separator: ";").lazy.map { String($0).trimmingASCIIWhitespace() }
                .first { $0.lowercased().hasPrefix("for=") }.map { String($0.dropFirst(4)) }
            guard var node else { throw .invalidForwardedFor("a Forwarded element has no for= parameter") }
            if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = String(node.dropFirst().dropLast()) }
            if node.hasPrefix("["), let close = node.firstIndex(of: "]") {
                node = String(node[node.index(after: node.startIndex)..<close])
            } else if node.filter({ $0 == ":" }).count == 1, let colon = node.firstIndex(of: ":") {
                node = String(node[..<colon])
            }
            hops.append(node)
        }
        return hops
    }

    /// The canonical text of an IPv4 or IPv6 address (so one address is one key for the guards), or
    /// `nil`. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, how a dual-stack listener writes an
    /// IPv4 peer) is its IPv4 address: otherwise a trusted proxy written that way would be taken for
    /// the client, and every client behind it would share its address again.
    private static func canonicalAddress(_ text: String) -> String? {
        var bytes = [UInt8](repeating: 0, count: 16)
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        for family in [AF_INET, AF_INET6] where inet_pton(family, text, &bytes) == 1 {
            let isIPv4Mapped = family == AF_INET6 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            let written = isIPv4Mapped ? inet_ntop(AF_INET, Array(bytes[12..<16]), &output, socklen_t(output.count))
                : inet_ntop(family, bytes, &output, socklen_t(output.count))
            guard written != nil else { return nil }
            return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        return nil
    }
}
