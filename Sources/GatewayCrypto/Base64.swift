import COpenSSL

/// Standard Base64 (RFC 4648 §4, with padding), as HTTP structured fields write byte sequences
/// (`Content-Digest: sha-256=:<base64>:`).
public enum Base64 {
    /// The corresponding C function is `EVP_EncodeBlock`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let length = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { EVP_EncodeBlock($0.baseAddress, input.baseAddress, Int32(input.count)) }
        }
        precondition(length >= 0, "EVP_EncodeBlock failed")
        return String(decoding: output[..<Int(length)], as: UTF8.self)
    }
}
