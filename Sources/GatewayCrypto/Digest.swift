import COpenSSL

/// SHA-256 and HMAC-SHA256 through libcrypto, for API-key hashes, masking pseudonyms and
/// the audit chain.
public enum Digest {
    /// SHA-256 of `bytes`. The corresponding C function is `EVP_Digest` with `EVP_sha256()`.
    public static func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let succeeded = withContiguousBytes(bytes) { input in
            output.withUnsafeMutableBytes { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, nil, EVP_sha256(), nil) == 1
            }
        }
        precondition(succeeded, "EVP_Digest(SHA-256) failed")
        return output
    }

    /// HMAC-SHA256 of `message` under `key`. The corresponding C function is `HMAC`.
    public static func hmacSHA256<Key: Collection<UInt8>, Message: Collection<UInt8>>(key: Key, message: Message) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let result = withContiguousBytes(key) { keyBytes in
            withContiguousBytes(message) { messageBytes in
                output.withUnsafeMutableBytes { out in
                    HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                         out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return output
    }

    /// True if `lhs` and `rhs` are equal, in time that depends only on their length.
    /// The corresponding C function is `CRYPTO_memcmp`.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }

    /// `count` bytes from the system's cryptographic generator. The corresponding C function is `RAND_bytes`.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let succeeded = bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 }
        precondition(succeeded, "RAND_bytes failed")
        return bytes
    }

    private static func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
        _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes(body)
    }
}
