import AuditLog
import GatewayCore
import GatewayCrypto
import HTTPServer
import UpstreamClient

/// A running gateway: the HTTP listener, the upstream client, the audit log, and the routes between them.
public final class GatewayServer: Sendable {
    public let config: GatewayConfig
    private let client: UpstreamClient
    private let server: HTTPServer
    private let auditLog: AuditLog
    private let lifecycle: GatewayRouter.Lifecycle

    /// The port the gateway listens on (useful when the config asks for port 0).
    public var port: Int { server.port }

    public init(config: GatewayConfig) throws(GatewayStartError) {
        let signingKey = try config.audit.signingKeyFile.map(Self.loadSigningKey)
        let auditLog: AuditLog
        do {
            auditLog = try AuditLog(config: config.audit, signingKey: signingKey)
        } catch {
            throw .audit(error)
        }
        let client = UpstreamClient(maxCachedConnections: config.sources.reduce(0) { $0 + $1.maxInFlight })
        let lifecycle = GatewayRouter.Lifecycle()
        let router = GatewayRouter(service: DossierService(config: config, client: client), lifecycle: lifecycle, auditLog: auditLog)
        do {
            let configuration = HTTPServer.Configuration(
                host: config.listen.host, port: config.listen.port, threads: config.server.threads,
                connectionLimit: config.server.connectionLimit,
                connectionTimeoutSeconds: config.server.connectionTimeoutSeconds,
                maxBodyBytes: config.maxBodyBytes, tls: try config.tls.map(Self.loadTLS))
            self.server = try HTTPServer(configuration: configuration) { request in await router.handle(request) }
        } catch {
            client.shutdown()
            Task { await auditLog.close() }
            throw .server(error)
        }
        self.config = config
        self.client = client
        self.auditLog = auditLog
        self.lifecycle = lifecycle
        if !auditLog.isWritable {
            EventLog.error("audit log not writable; dossiers are refused with 503 until it is", ["path": config.audit.path])
        }
    }

    private static func loadTLS(_ tls: TLSConfig) throws(HTTPServerError) -> HTTPServer.TLS {
        guard let certificate = FileBytes.read(tls.certFile) else { throw .unreadableTLSFile(tls.certFile) }
        guard let key = FileBytes.read(tls.keyFile) else { throw .unreadableTLSFile(tls.keyFile) }
        return HTTPServer.TLS(certificatePEM: String(decoding: certificate, as: UTF8.self),
                              privateKeyPEM: String(decoding: key, as: UTF8.self),
                              allowTLS12: tls.minimumVersion == .tls12)
    }

    private static func loadSigningKey(_ path: String) throws(GatewayStartError) -> Ed25519.PrivateKey {
        guard let pem = FileBytes.read(path) else { throw .signingKey(path: path, reason: "cannot be read") }
        do {
            return try Ed25519.PrivateKey(pem: String(decoding: pem, as: UTF8.self))
        } catch {
            throw .signingKey(path: path, reason: error.description)
        }
    }

    /// Answers new dossier requests with 503, finishes in-flight ones for up to
    /// `gracePeriod`, stops, then writes a last checkpoint and closes the audit log.
    public func shutdown(gracePeriod: Duration = .seconds(5)) async {
        lifecycle.beginDraining()
        await server.shutdown(gracePeriod: gracePeriod)
        client.shutdown()
        await auditLog.close()
    }
}
