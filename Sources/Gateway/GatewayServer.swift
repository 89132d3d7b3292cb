import AuditLog
import EventLoop
import GatewayCore
import GatewayCrypto
import Glibc
import HTTPServer
import Synchronization
import UpstreamClient

/// A running gateway: the event loops, the HTTP listener and the upstream client on them, the
/// audit log, metrics, and the routes between them; the config's request-time parts can be
/// reloaded without a restart.
public final class GatewayServer: Sendable {
    /// The config the gateway started with (listener, TLS and audit settings are fixed by it).
    public let config: GatewayConfig
    /// One per core (`server.threads`): each reads requests, runs their tasks, makes their upstream
    /// calls and answers them, so a dossier changes threads only for the audit log's fsync.
    private let loops: EventLoopGroup
    private let client: UpstreamClient
    private let server: HTTPServer
    private let auditLog: AuditLog
    private let witness: AuditWitnessPoster?
    private let lifecycle: GatewayRouter.Lifecycle
    private let runtime: RuntimeHolder
    private let metrics: GatewayMetrics
    /// The public half of the key that signs audit checkpoints now (a reload may change it).
    private let signingKey: Mutex<Ed25519.PublicKey?>
    /// The one shutdown, once begun; later callers wait for it.
    private let shutdownTask = Mutex<Task<Void, Never>?>(nil)

    /// The port the gateway listens on (useful when the config asks for port 0).
    public var port: Int { server.port }

    /// Starts the gateway, or fails with what to fix, having stopped again whatever it had started.
    ///
    /// The order keeps a failed start harmless: first what needs nothing running (the files the
    /// config names, and whether the listener's port is free, so a second instance on the same
    /// config never opens the first one's audit log); then the event loops, the upstream client,
    /// the audit log and the listener. When the listener still fails, the client, the audit log
    /// and the loops are stopped and waited for before this throws, so no thread of theirs is
    /// still at work when the process exits.
    /// - Parameter auditSyscalls: the calls that reach the audit log's disk; tests put faults here.
    public init(config: GatewayConfig, auditSyscalls: AuditSyscalls = .system) async throws(GatewayStartError) {
        EventLog.setLevel(config.logLevel)
        let files: StartupFiles
        do {
            files = try StartupFiles(config: config)
        } catch {
            throw .files(error)
        }
        do {
            try HTTPServer.checkListenable(host: config.listen.host, port: config.listen.port)
        } catch {
            throw .server(error)
        }
        let metrics = GatewayMetrics(processStats: ProcessStats.current)
        let loops = EventLoopGroup(loops: config.server.threads)
        let client = UpstreamClient(maxCachedConnections: config.sources.reduce(0) { $0 + $1.maxInFlight }, loops: loops)
        let witness = config.audit.witnessURL.map { url in
            AuditWitnessPoster(url: url, timeoutMs: config.audit.witnessTimeoutMs, client: client, metrics: metrics)
        }
        let auditLog: AuditLog
        do {
            auditLog = try AuditLog(config: config.audit, signingKey: files.signingKey, syscalls: auditSyscalls, onBatch: { lines, fsync in
                metrics.auditRecords.increment(by: Double(lines))
                if let fsync { metrics.auditFsyncDuration.observe(fsync) }
            }, onCheckpoint: { line in
                metrics.auditCheckpoints.increment()
                witness?.post(line)
            })
        } catch {
            client.shutdown()
            loops.shutdown()
            throw .audit(error)
        }
        let lifecycle = GatewayRouter.Lifecycle()
        let runtime = RuntimeHolder(GatewayRuntime(config: config, client: client, metrics: metrics, previous: nil))
        let proxies = config.server.trustedProxies
        let connectionsPerAddress = AddressLimit(limit: config.server.perIPConnectionLimit)
        let router = GatewayRouter(runtime: runtime, lifecycle: lifecycle, auditLog: auditLog, witness: witness, metrics: metrics,
                                   proxies: proxies, connectionsPerAddress: connectionsPerAddress)
        let tls = files.tls.map { credentials in
            HTTPServer.TLS(certificatePEM: credentials.certificatePEM, privateKeyPEM: credentials.privateKeyPEM,
                           allowTLS12: config.tls?.minimumVersion == .tls12)
        }
        do {
            let configuration = HTTPServer.Configuration(
                host: config.listen.host, port: config.listen.port, threads: config.server.threads,
                connectionLimit: config.server.connectionLimit, connectionsPerAddress: connectionsPerAddress,
                isUncountedPeer: { proxies.isTrusted($0) },
                connectionTimeoutSeconds: config.server.connectionTimeoutSeconds,
                headerTimeoutSeconds: config.server.headerTimeoutSeconds,
                headerTimeoutResponse: { [seconds = config.server.headerTimeoutSeconds] in router.refuseHeaderTimeout(seconds: seconds) },
                maxBodyBytes: config.maxBodyBytes, tls: tls,
                refusal: { request in router.refuseWhileStopping(request) })
            self.server = try HTTPServer(configuration: configuration, loops: loops, exchangeHandler: router.handle)
        } catch {
            // In the order of a shutdown: the log's last checkpoint still reaches the witness.
            _ = await auditLog.close()
            await witness?.drain()
            client.shutdown()
            loops.shutdown()
            throw .server(error)
        }
        self.config = config
        self.loops = loops
        self.client = client
        self.auditLog = auditLog
        self.witness = witness
        self.lifecycle = lifecycle
        self.runtime = runtime
        self.metrics = metrics
        self.signingKey = Mutex(files.signingKey?.publicKey)
        if !auditLog.isWritable {
            EventLog.error("audit log not writable; dossiers are refused with 503 until it is", ["path": config.audit.path])
        }
    }

    /// Replaces clients, roles, sources and limits with those of `newConfig` for every request
    /// that starts from now on; requests in flight finish on the config they started with.
    /// Settings that need a restart (listener, TLS, audit) must be unchanged, except the audit
    /// signing key: a changed key (path or contents) takes over at the next checkpoint boundary.
    /// The departments' TLS files are checked as at start.
    public func reload(_ newConfig: GatewayConfig) throws(ConfigError) {
        var audit = newConfig.audit
        audit.signingKeyFile = config.audit.signingKeyFile
        if newConfig.listen != config.listen || newConfig.tls != config.tls || audit != config.audit
            || newConfig.server != config.server || newConfig.maxBodyBytes != config.maxBodyBytes {
            throw ConfigError(path: "", problem: "listen, tls, audit (but for audit.signing_key_file), server and max_body_bytes "
                              + "only change with a restart")
        }
        do {
            try StartupFiles.checkDepartmentFiles(of: newConfig.sources)
        } catch {
            throw ConfigError(path: "", problem: error.description)
        }
        let newKey = try changedSigningKey(newConfig.audit.signingKeyFile)
        runtime.replace(with: GatewayRuntime(config: newConfig, client: client, metrics: metrics, previous: runtime.runtime))
        EventLog.setLevel(newConfig.logLevel)
        if let newKey {
            let previous = signingKey.withLock { key in
                defer { key = newKey.publicKey }
                return key.map(AuditCheckpoint.keyID(of:)) ?? ""
            }
            auditLog.rotateSigningKey(to: newKey)
            EventLog.info("audit signing key changes at the next checkpoint boundary",
                          ["previous_key_id": previous, "key_id": AuditCheckpoint.keyID(of: newKey.publicKey)])
        }
    }

    /// The key in `path` when it is not the one that signs now; `nil` when it is the same.
    private func changedSigningKey(_ path: String?) throws(ConfigError) -> Ed25519.PrivateKey? {
        let current = signingKey.withLock { $0 }
        guard let path, current != nil else {
            guard path == nil, current == nil else {
                throw ConfigError(path: "audit.signing_key_file", problem: "signing checkpoints is turned on or off only with a restart")
            }
            return nil
        }
        let key: Ed25519.PrivateKey
        do {
            key = try AuditSigningKey.load(path)
        } catch {
            throw ConfigError(path: "audit.signing_key_file", problem: error.description)
        }
        return key.publicKey == current ? nil : key
    }

    /// Answers new dossier requests with 503 (and `/readyz` with 503), finishes in-flight ones
    /// for up to `gracePeriod` (default: `server.drain_timeout_s`); then every request gets 503
    /// shutting-down without reaching the router, batches stop starting items, and what is still
    /// running gets `HTTPServer`'s cancellation grace (1 s) before its connection is answered 503
    /// too. Then it stops, writes a `closed` line and a last checkpoint, syncs and closes the
    /// audit log (waiting at most `audit.append_timeout_ms` for a hung disk), lets the witness URL
    /// have that checkpoint, stops the upstream client, and then the event loops.
    /// A second call waits for the first to finish (its `gracePeriod` is not used), so nobody
    /// closes the upstream client or the audit log under requests that are still draining.
    public func shutdown(gracePeriod: Duration? = nil) async {
        let drainTimeout = gracePeriod ?? .seconds(config.server.drainTimeoutSeconds)
        let stopping = shutdownTask.withLock { task in
            if let task { return task }
            let started = Task { [server, client, auditLog, witness, lifecycle, loops] in
                lifecycle.beginDraining()
                let overran = await server.shutdown(gracePeriod: drainTimeout)
                if overran > 0 {
                    EventLog.warning("requests still running after the drain were answered 503", ["count": String(overran)])
                }
                if await !auditLog.close() {
                    EventLog.error("the audit log did not close within audit.append_timeout_ms: its disk hangs; "
                                   + "the last records may lack their closed line and checkpoint", [:])
                }
                // The last checkpoint goes to the witness URL through the event loops, which stop after it.
                await witness?.drain()
                client.shutdown()
                loops.shutdown()
            }
            task = started
            return started
        }
        await stopping.value
    }
}

extension ProcessStats {
    /// Resident memory from /proc/self/status and the number of open descriptors.
    @Sendable static func current() -> ProcessStats {
        var stats = ProcessStats()
        if let status = FileBytes.read("/proc/self/status") {
            stats.residentMemoryBytes = residentMemoryBytes(procStatus: String(decoding: status, as: UTF8.self))
        }
        if let directory = opendir("/proc/self/fd") {
            var count = -2.0
            while readdir(directory) != nil { count += 1 }
            closedir(directory)
            stats.openFileDescriptors = max(0, count - 1)
        }
        return stats
    }
}
