import COpenSSL

/// SHA-256 and HMAC-SHA256 through libcrypto, for API-key hashes, masking pseudonyms and
/// the audit chain.
public enum Digest {
    /// SHA-256 as fetched once from the default provider. `EVP_sha256()` hands libcrypto a name
    /// to fetch again on every call, which cost about a tenth of hashing an audit line.
    /// `nonisolated(unsafe)`: a fetched `EVP_MD` is immutable and may be used from any thread.
    nonisolated(unsafe) private static let sha256Algorithm: OpaquePointer = {
        guard let algorithm = EVP_MD_fetch(nil, "SHA256", nil) else { preconditionFailure("libcrypto has no SHA256") }
        return algorithm
    }()

    /// SHA-256 of `bytes`. The corresponding C function is `EVP_Digest`.
    public static func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let succeeded = withContiguousBytes(bytes) { input in
            output.withUnsafeMutableBytes { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, nil, sha256Algorithm, nil) == 1
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
                    HMAC(sha256Algorithm, keyBytes.baseAddress, Int32(keyBytes.count), messageBytes.baseAddress, messageBytes.count,
                         out.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
        }
        precondition(result != nil && length == 32, "HMAC-SHA256 failed")
        return output
    }
}
