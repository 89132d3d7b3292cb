import COpenSSL

/// Unpredictable bytes, for API keys and identifiers.
public enum SecureRandom {
    /// `count` bytes from the system's cryptographic generator. The corresponding C function is `RAND_bytes`.
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let succeeded = bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 }
        precondition(succeeded, "RAND_bytes failed")
        return bytes
    }
}
