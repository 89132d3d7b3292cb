/// The listener's TLS: certificate and key files, and the lowest protocol version accepted.
public struct TLSConfig: Sendable, Equatable {
    public enum Version: String, Sendable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    public var certFile: String
    public var keyFile: String
    public var minimumVersion: Version

    public init(certFile: String, keyFile: String, minimumVersion: Version = .tls13) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.minimumVersion = minimumVersion
    }
}
