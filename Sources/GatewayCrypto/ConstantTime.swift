import COpenSSL

/// Comparisons of secrets that do not tell an attacker, by their timing, how much matched.
public enum ConstantTime {
    /// True if `lhs` and `rhs` are equal, in time that depends only on their length.
    /// The corresponding C function is `CRYPTO_memcmp`.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }
}
