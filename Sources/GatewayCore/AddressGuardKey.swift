import Glibc

/// What the address guards (the malformed-request budget and the per-address limit) count a
/// client under. An IPv4 address is itself. An IPv6 address, which only a front proxy can report
/// (the listener is IPv4), is its /64: a subscriber is given a whole /64 and may take any address
/// in it (privacy addresses do so by themselves), so counting each address alone would let one
/// client rotate past both guards. The audit record keeps the whole address (README "Security").
public enum AddressGuardKey {
    /// `address` for IPv4 (and anything that is not IPv6), else the text of its /64 (`2001:db8:1:2::/64`).
    public static func of(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        for index in 8..<16 { bytes[index] = 0 }
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &output, socklen_t(output.count)) != nil else { return address }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + "/64"
    }
}
