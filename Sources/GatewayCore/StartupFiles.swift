import GatewayCrypto
import Glibc

/// What the gateway needs from the disk besides its config file, read and checked before anything
/// starts: the audit signing key, the listener's TLS certificate and key, and an audit folder it can
/// write. `serve` refuses to start without them and `config check` runs the same checks (README
/// "Command line"), so a wrong path or a wrong kind of key is one clear line, never a half-started
/// process.
public struct StartupFiles: Sendable {
    public let signingKey: Ed25519.PrivateKey?
    public let tls: TLSCredentials?

    /// Why a file the config names cannot be used; the text names the config key and the path.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(config: GatewayConfig) throws(Failure) {
        signingKey = try config.audit.signingKeyFile.map(Self.signingKey(at:))
        tls = try config.tls.map(Self.credentials(of:))
        try Self.checkAuditFolder(of: config.audit)
    }

    /// The Ed25519 private key at `path` (`audit.signing_key_file`).
    public static func signingKey(at path: String) throws(Failure) -> Ed25519.PrivateKey {
        let pem = try text(of: path, key: "audit.signing_key_file")
        do {
            return try Ed25519.PrivateKey(pem: pem)
        } catch {
            let reason = pem.contains("-----BEGIN PUBLIC KEY-----")
                ? "is a public key; give the private key (exchange-gateway audit keygen writes PREFIX.key)"
                : error.description
            throw Failure(description: "audit.signing_key_file \(path): \(reason)")
        }
    }

    private static func credentials(of tls: TLSConfig) throws(Failure) -> TLSCredentials {
        let certificate = try text(of: tls.certFile, key: "tls.cert_file")
        let key = try text(of: tls.keyFile, key: "tls.key_file")
        do {
            return try TLSCredentials(certificatePEM: certificate, privateKeyPEM: key)
        } catch {
            switch error {
            case .unreadableCertificate: throw Failure(description: "tls.cert_file \(tls.certFile): \(error)")
            case .unreadableKey: throw Failure(description: "tls.key_file \(tls.keyFile): \(error)")
            case .keyDoesNotMatchCertificate: throw Failure(description: "tls.key_file \(tls.keyFile): \(error) (\(tls.certFile))")
            }
        }
    }

    private static func text(of path: String, key: String) throws(Failure) -> String {
        do {
            return String(decoding: try FileBytes.contents(of: path, regularFileOnly: true), as: UTF8.self)
        } catch .system(let code) {
            throw Failure(description: "\(key) \(path): cannot be read (\(String(cString: strerror(code))))")
        } catch {
            throw Failure(description: "\(key) \(path): \(error)")
        }
    }

    /// The audit folder must be a folder the gateway may write, or not exist yet below one it may
    /// write (the log creates it). The corresponding C functions are `stat` and `access`.
    private static func checkAuditFolder(of audit: AuditConfig) throws(Failure) {
        let folder = audit.directory
        var existing = folder
        var status = stat()
        while stat(existing, &status) != 0 {
            guard errno == ENOENT, existing != "." else {
                throw Failure(description: "audit.path \(audit.path): \(existing) cannot be examined (\(String(cString: strerror(errno))))")
            }
            let parent = existing.lastIndex(of: "/").map { String(existing[..<$0]) } ?? "."
            existing = parent.isEmpty ? "/" : parent
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "audit.path \(audit.path): \(existing) is not a folder")
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            let what = existing == folder ? "the audit folder \(folder) is not writable"
                : "the audit folder \(folder) cannot be created in \(existing)"
            throw Failure(description: "audit.path \(audit.path): \(what) (\(String(cString: strerror(errno))))")
        }
    }
}
