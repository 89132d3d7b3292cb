import COpenSSL

/// Ed25519 keys and signatures through libcrypto, for signed audit checkpoints.
///
/// Keys are kept as raw bytes. Each operation makes its own `EVP_PKEY` (and context, and `BIO`)
/// and frees it before returning, so no C pointer is ever stored and the types are plainly `Sendable`.
public enum Ed25519 {
    /// Length of a raw private key (the RFC 8032 secret, or seed) and of a raw public key.
    private static let keyLength = 32
    /// Length of a signature.
    private static let signatureLength = 64

    /// An Ed25519 private key. It prints as `Ed25519.PrivateKey(redacted)` so it cannot leak into logs.
    public struct PrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// The 32-byte secret of RFC 8032 section 5.1.5.
        private let seed: [UInt8]

        private init(validSeed: [UInt8]) {
            seed = validSeed
        }

        /// A new random key. The corresponding C function is `EVP_PKEY_keygen` with `EVP_PKEY_ED25519`.
        public static func generate() -> PrivateKey {
            guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else {
                preconditionFailure("EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519) failed")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var key: OpaquePointer? = nil
            precondition(EVP_PKEY_keygen_init(context) == 1 && EVP_PKEY_keygen(context, &key) == 1,
                         "EVP_PKEY_keygen(Ed25519) failed")
            defer { EVP_PKEY_free(key) }
            return PrivateKey(validSeed: Ed25519.rawPrivateKey(of: key!))
        }

        /// From the 32-byte secret (seed) of RFC 8032; throws `.invalidRawKey` for any other length.
        /// The corresponding C function is `EVP_PKEY_new_raw_private_key`.
        public init(rawRepresentation: [UInt8]) throws(Ed25519.KeyError) {
            guard rawRepresentation.count == Ed25519.keyLength else { throw .invalidRawKey }
            seed = rawRepresentation
        }

        /// From a PEM "PRIVATE KEY" (PKCS#8) document, as `openssl genpkey -algorithm ed25519` writes;
        /// throws `.invalidPEM` if it cannot be read (encrypted keys included: no passphrase is asked for)
        /// and `.notEd25519` if it holds another algorithm's key.
        /// The corresponding C function is `PEM_read_bio_PrivateKey`.
        public init(pem: String) throws(Ed25519.KeyError) {
            seed = try Ed25519.readKey(
                fromPEM: pem,
                using: { bio in PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil) },
                raw: Ed25519.rawPrivateKey(of:)
            ).get()
        }

        /// PKCS#8 PEM text of this key, unencrypted. The corresponding C function is `PEM_write_bio_PKCS8PrivateKey`.
        public var pemRepresentation: String {
            withKey { key in
                Ed25519.pemText { bio in PEM_write_bio_PKCS8PrivateKey(bio, key, nil, nil, 0, nil, nil) }
            }
        }

        /// The matching public key. The corresponding C function is `EVP_PKEY_get_raw_public_key`.
        public var publicKey: PublicKey {
            withKey { key in PublicKey(validRawRepresentation: Ed25519.rawPublicKey(of: key)) }
        }

        /// 64-byte signature of `message`. Ed25519 is deterministic: the same key and message always
        /// give the same signature. The corresponding C function is `EVP_DigestSign` with a NULL digest.
        public func signature<Message: Collection<UInt8>>(for message: Message) -> [UInt8] {
            withKey { key in
                guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
                defer { EVP_MD_CTX_free(context) }
                precondition(EVP_DigestSignInit(context, nil, nil, nil, key) == 1, "EVP_DigestSignInit(Ed25519) failed")
                var signature = [UInt8](repeating: 0, count: Ed25519.signatureLength)
                var length = signature.count
                let signed = withContiguousBytes(message) { input in
                    signature.withUnsafeMutableBufferPointer { output in
                        EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count) == 1
                    }
                }
                precondition(signed && length == Ed25519.signatureLength, "EVP_DigestSign(Ed25519) failed")
                return signature
            }
        }

        public var description: String { "Ed25519.PrivateKey(redacted)" }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: [:]) }

        /// Runs `body` with a fresh `EVP_PKEY` for this key, freed when `body` returns.
        private func withKey<Result>(_ body: (OpaquePointer) -> Result) -> Result {
            let key = seed.withUnsafeBufferPointer { bytes in
                EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, bytes.baseAddress, bytes.count)
            }
            guard let key else { preconditionFailure("EVP_PKEY_new_raw_private_key(Ed25519) failed") }
            defer { EVP_PKEY_free(key) }
            return body(key)
        }
    }

    /// An Ed25519 public key. Two keys are equal when their 32 raw bytes are.
    public struct PublicKey: Sendable, Equatable {
        /// The 32-byte encoded point of RFC 8032 section 5.1.5.
        public let rawRepresentation: [UInt8]

        fileprivate init(validRawRepresentation: [UInt8]) {
            rawRepresentation = validRawRepresentation
        }

        /// From 32 raw bytes; throws `.invalidRawKey` for any other length. (Bytes that are not a point
        /// on the curve are accepted here, and no signature verifies under them.)
        /// The corresponding C function is `EVP_PKEY_new_raw_public_key`.
        public init(rawRepresentation: [UInt8]) throws(Ed25519.KeyError) {
            guard rawRepresentation.count == Ed25519.keyLength else { throw .invalidRawKey }
            self.rawRepresentation = rawRepresentation
        }

        /// From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) document; throws `.invalidPEM` if it cannot be
        /// read and `.notEd25519` if it holds another algorithm's key.
        /// The corresponding C function is `PEM_read_bio_PUBKEY`.
        public init(pem: String) throws(Ed25519.KeyError) {
            rawRepresentation = try Ed25519.readKey(
                fromPEM: pem,
                using: { bio in PEM_read_bio_PUBKEY(bio, nil, { _, _, _, _ in -1 }, nil) },
                raw: Ed25519.rawPublicKey(of:)
            ).get()
        }

        /// SubjectPublicKeyInfo PEM text of this key. The corresponding C function is `PEM_write_bio_PUBKEY`.
        public var pemRepresentation: String {
            withKey { key in Ed25519.pemText { bio in PEM_write_bio_PUBKEY(bio, key) } }
        }

        /// True only if `signature` is a valid signature of `message` by this key.
        /// The corresponding C function is `EVP_DigestVerify` with a NULL digest.
        public func isValidSignature<Message: Collection<UInt8>>(_ signature: [UInt8], for message: Message) -> Bool {
            guard signature.count == Ed25519.signatureLength else { return false }
            return withKey { key in
                guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
                defer { EVP_MD_CTX_free(context) }
                precondition(EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1, "EVP_DigestVerifyInit(Ed25519) failed")
                let verified = withContiguousBytes(message) { input in
                    signature.withUnsafeBufferPointer { signatureBytes in
                        EVP_DigestVerify(context, signatureBytes.baseAddress, signatureBytes.count,
                                         input.baseAddress, input.count) == 1
                    }
                }
                if !verified { ERR_clear_error() }
                return verified
            }
        }

        /// Runs `body` with a fresh `EVP_PKEY` for this key, freed when `body` returns.
        private func withKey<Result>(_ body: (OpaquePointer) -> Result) -> Result {
            let key = rawRepresentation.withUnsafeBufferPointer { bytes in
                EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes.baseAddress, bytes.count)
            }
            guard let key else { preconditionFailure("EVP_PKEY_new_raw_public_key(Ed25519) failed") }
            defer { EVP_PKEY_free(key) }
            return body(key)
        }
    }

    /// Why a key could not be made.
    public enum KeyError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text is not a PEM document of the expected kind (or is encrypted).
        case invalidPEM
        /// The PEM document holds a key of another algorithm (RSA, EC, Ed448, ...).
        case notEd25519
        /// Raw key bytes are not exactly 32 bytes long.
        case invalidRawKey

        public var description: String {
            switch self {
            case .invalidPEM: "not a readable PEM key document"
            case .notEd25519: "the PEM key is not an Ed25519 key"
            case .invalidRawKey: "an Ed25519 raw key must be exactly 32 bytes"
            }
        }
    }

    // MARK: - libcrypto helpers

    /// Parses `pem` with `read` (a `PEM_read_bio_*` call) from a read-only memory `BIO` over its UTF-8,
    /// checks the key is Ed25519 (`EVP_PKEY_get_base_id`) and returns `raw` of it. Frees the `BIO` and
    /// `EVP_PKEY`, and clears the OpenSSL error queue on failure.
    private static func readKey(
        fromPEM pem: String,
        using read: (OpaquePointer) -> OpaquePointer?,
        raw: (OpaquePointer) -> [UInt8]
    ) -> Swift.Result<[UInt8], KeyError> {
        var text = pem
        return text.withUTF8 { utf8 in
            guard !utf8.isEmpty, utf8.count <= Int(Int32.max) else { return .failure(.invalidPEM) }
            guard let bio = BIO_new_mem_buf(utf8.baseAddress, Int32(utf8.count)) else {
                preconditionFailure("BIO_new_mem_buf failed")
            }
            defer { BIO_free(bio) }
            guard let key = read(bio) else {
                ERR_clear_error()
                return .failure(.invalidPEM)
            }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { return .failure(.notEd25519) }
            return .success(raw(key))
        }
    }

    /// The text `write` (a `PEM_write_bio_*` call) puts into a fresh memory `BIO`, read back with
    /// `BIO_ctrl_pending` and `BIO_read`.
    private static func pemText(_ write: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { preconditionFailure("BIO_new(BIO_s_mem()) failed") }
        defer { BIO_free(bio) }
        precondition(write(bio) == 1, "PEM_write_bio failed")
        let pending = BIO_ctrl_pending(bio)
        var bytes = [UInt8](repeating: 0, count: pending)
        let count = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
        precondition(count == pending, "BIO_read returned \(count) of \(pending) bytes")
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 32-byte secret of an Ed25519 `EVP_PKEY`. The corresponding C function is `EVP_PKEY_get_raw_private_key`.
    private static func rawPrivateKey(of key: OpaquePointer) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: keyLength)
        var length = bytes.count
        let succeeded = bytes.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_private_key(key, $0.baseAddress, &length) == 1 }
        precondition(succeeded && length == keyLength, "EVP_PKEY_get_raw_private_key(Ed25519) failed")
        return bytes
    }

    /// The 32-byte public key of an Ed25519 `EVP_PKEY`. The corresponding C function is `EVP_PKEY_get_raw_public_key`.
    private static func rawPublicKey(of key: OpaquePointer) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: keyLength)
        var length = bytes.count
        let succeeded = bytes.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(key, $0.baseAddress, &length) == 1 }
        precondition(succeeded && length == keyLength, "EVP_PKEY_get_raw_public_key(Ed25519) failed")
        return bytes
    }
}
