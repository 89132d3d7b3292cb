import COpenSSL

/// The listener's certificate chain and private key as PEM text, checked with libcrypto before the
/// server hands them to its TLS library: a start that fails over a wrong file should say which
/// file and why, before anything else has started.
public struct TLSCredentials: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String

    /// Why a certificate and key cannot serve TLS.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The certificate text holds no readable PEM certificate.
        case unreadableCertificate
        /// The key text holds no readable, unencrypted PEM private key (a public key is not one).
        case unreadableKey
        /// Both are readable, but the key is not the certificate's.
        case keyDoesNotMatchCertificate

        public var description: String {
            switch self {
            case .unreadableCertificate: "not a readable PEM certificate"
            case .unreadableKey: "not a readable, unencrypted PEM private key"
            case .keyDoesNotMatchCertificate: "the private key does not belong to the certificate"
            }
        }
    }

    /// Reads the first certificate of `certificatePEM` and the key of `privateKeyPEM` and checks
    /// they belong together. The corresponding C functions are `PEM_read_bio_X509`,
    /// `PEM_read_bio_PrivateKey` and `X509_check_private_key`.
    public init(certificatePEM: String, privateKeyPEM: String) throws(Problem) {
        let certificate = Self.withBIO(certificatePEM) { bio in PEM_read_bio_X509(bio, nil, { _, _, _, _ in -1 }, nil) }
        guard let certificate else { throw .unreadableCertificate }
        defer { X509_free(certificate) }
        let key = Self.withBIO(privateKeyPEM) { bio in PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil) }
        guard let key else { throw .unreadableKey }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            ERR_clear_error()
            throw .keyDoesNotMatchCertificate
        }
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Whether `pem` starts with a readable PEM certificate: what a CA file (`sources[].tls.ca_file`)
    /// must hold. The corresponding C function is `PEM_read_bio_X509`.
    public static func holdsCertificate(_ pem: String) -> Bool {
        guard let certificate = withBIO(pem, { bio in PEM_read_bio_X509(bio, nil, { _, _, _, _ in -1 }, nil) }) else { return false }
        X509_free(certificate)
        return true
    }

    /// `read` from a read-only memory `BIO` over `text`; `nil` (with the OpenSSL error queue
    /// cleared) when it reads nothing.
    private static func withBIO<Object>(_ text: String, _ read: (OpaquePointer) -> Object?) -> Object? {
        var text = text
        return text.withUTF8 { utf8 in
            guard !utf8.isEmpty, utf8.count <= Int(Int32.max) else { return nil }
            guard let bio = BIO_new_mem_buf(utf8.baseAddress, Int32(utf8.count)) else { preconditionFailure("BIO_new_mem_buf failed") }
            defer { BIO_free(bio) }
            guard let object = read(bio) else {
                ERR_clear_error()
                return nil
            }
            return object
        }
    }
}
