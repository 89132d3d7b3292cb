import Glibc

/// An IPv4 address block in CIDR notation (`10.0.0.0/8`; a bare address is a `/32`).
public struct IPv4Network: Sendable, Equatable, CustomStringConvertible {
    /// The first address of the block, host byte order.
    public let base: UInt32
    public let prefixLength: Int

    /// `nil` unless `text` is an IPv4 address, optionally with `/0` to `/32`, whose bits past the
    /// prefix are zero (`10.0.0.1/8` is refused: it names an address, not a block, and is a likely typo).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let base = IPv4Network.address(String(parts[0])) else { return nil }
        var prefixLength = 32
        if parts.count == 2 {
            guard parts[1].utf8.allSatisfy(\.isASCIIDigit), let length = Int(parts[1]), (0...32).contains(length) else { return nil }
            prefixLength = length
        }
        self.base = base
        self.prefixLength = prefixLength
        guard base & ~mask == 0 else { return nil }
    }

    /// `base/prefixLength`, as the config writes it (`10.0.0.0/8`).
    public var description: String {
        (0..<4).map { String(base >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".") + "/\(prefixLength)"
    }

    public func contains(_ address: UInt32) -> Bool {
        address & mask == base
    }

    private var mask: UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << (32 - prefixLength)
    }

    /// The dotted-quad `text` as a number, host byte order; `nil` if it is not one.
    public static func address(_ text: String) -> UInt32? {
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return UInt32(bigEndian: raw.s_addr)
    }
}
