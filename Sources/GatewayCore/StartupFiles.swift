import GatewayCrypto
import Glibc

/// What the gateway needs from the disk besides its config file, read and checked before anything
/// starts: the audit signing key, the listener's TLS certificate and key, the departments' CA files
/// and client certificates, and an audit folder (and witness folder) it can write. `serve` refuses to start without them and `config check` runs the same checks (README
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
        try Self.checkDepartmentFiles(of: config.sources)
        try Self.checkFolder(of: config.audit.path, key: "audit.path", what: "audit folder")
        if let witness = config.audit.witnessFile {
            try Self.checkFolder(of: witness, key: "audit.witness_file", what: "witness folder")
        }
    }

    /// The files of each department's `tls`: curl reads them only when it first calls that
    /// department, so without this a missing or wrong CA file starts a gateway whose every call to
    /// it fails (README "Command line"). A reload checks them too.
    public static func checkDepartmentFiles(of sources: [SourceConfig]) throws(Failure) {
        for (index, source) in sources.enumerated() {
            guard let files = source.tls else { continue }
            let key = "sources[\(index)].tls."
            if let caFile = files.caFile, !TLSCredentials.holdsCertificate(try text(of: caFile, key: key + "ca_file")) {
                throw Failure(description: "\(key)ca_file \(caFile): \(TLSCredentials.Problem.unreadableCertificate)")
            }
            if let certFile = files.clientCertFile, let keyFile = files.clientKeyFile {
                _ = try credentials(certFile: certFile, keyFile: keyFile, keys: (key + "client_cert_file", key + "client_key_file"))
            }
        }
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
        try credentials(certFile: tls.certFile, keyFile: tls.keyFile, keys: ("tls.cert_file", "tls.key_file"))
    }

    /// A certificate and its private key, read from the files the config keys `keys` name.
    private static func credentials(certFile: String, keyFile: String, keys: (cert: String, key: String)) throws(Failure) -> TLSCredentials {
        let certificate = try text(of: certFile, key: keys.cert)
        let key = try text(of: keyFile, key: keys.key)
        do {
            return try TLSCredentials(certificatePEM: certificate, privateKeyPEM: key)
        } catch {
            switch error {
            case .unreadableCertificate: throw Failure(description: "\(keys.cert) \(certFile): \(error)")
            case .unreadableKey: throw Failure(description: "\(keys.key) \(keyFile): \(error)")
            case .keyDoesNotMatchCertificate: throw Failure(description: "\(keys.key) \(keyFile): \(error) (\(certFile))")
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

    /// The folder of `path` (config key `key`) must be a folder the gateway may write, or not exist
    /// yet below one it may write (the log creates it). The corresponding C functions are `stat`
    /// and `access`.
    private static func checkFolder(of path: String, key: String, what: String) throws(Failure) {
        let folder = AuditConfig.folder(of: path)
        var existing = folder
        var status = stat()
        while stat(existing, &status) != 0 {
            // ENOTDIR: a file stands where a folder on the way should be; walking up names it.
            guard errno == ENOENT || errno == ENOTDIR, existing != "." else {
                throw Failure(description: "\(key) \(path): \(existing) cannot be examined (\(String(cString: strerror(errno))))")
            }
            let parent = existing.lastIndex(of: "/").map { String(existing[..<$0]) } ?? "."
            existing = parent.isEmpty ? "/" : parent
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "\(key) \(path): \(existing) is not a folder")
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            let problem = existing == folder ? "the \(what) \(folder) is not writable"
                : "the \(what) \(folder) cannot be created in \(existing)"
            throw Failure(description: "\(key) \(path): \(problem) (\(String(cString: strerror(errno))))")
        }
    }
}
