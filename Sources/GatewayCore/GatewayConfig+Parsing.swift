import Glibc
import GatewayJSON

extension GatewayConfig {
    /// Parses and validates a config file's text; secrets named in it are read from `environment`.
    public static func parse(_ text: [UInt8], environment: ConfigEnvironment = .process) throws(ConfigError) -> GatewayConfig {
        try GatewayConfig(json: parseJSON(text), environment: environment)
    }

    /// Reads, parses and validates the config file at `path`.
    public static func load(path: String, environment: ConfigEnvironment = .process) throws(ConfigError) -> GatewayConfig {
        try parse(readFile(path), environment: environment)
    }

    static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        do {
            return try FileBytes.contents(of: path)
        } catch {
            throw ConfigError(path: "", problem: "cannot read config file \(path): \(error)")
        }
    }

    static func parseJSON(_ text: [UInt8]) throws(ConfigError) -> JSON {
        do {
            return try JSON.parse(text)
        } catch {
            throw ConfigError(path: "", problem: "not valid JSON at line \(error.line), column \(error.column): \(error.description)")
        }
    }

    init(json: JSON, environment: ConfigEnvironment) throws(ConfigError) {
        let root = try ConfigObject(json, path: "", knownKeys: ["listen", "tls", "deadline_ms", "max_body_bytes", "server", "limits",
                                                                  "sources", "masking", "clients", "roles", "audit",
                                                                  "rate_limit", "log_level", "checks", "console"])
        listen = try root.object("listen", knownKeys: ["host", "port"]).map(ListenConfig.init) ?? ListenConfig()
        deadlineMs = try root.integer("deadline_ms", in: 1...600_000, default: 3000)
        maxBodyBytes = try root.integer("max_body_bytes", in: 1...(64 << 20), default: 65536)
        server = try root.object("server", knownKeys: ["threads", "connection_limit", "per_ip_connection_limit",
                                                       "connection_timeout_s", "header_timeout_s", "drain_timeout_s",
                                                       "trusted_proxies"])
            .map(ServerConfig.init) ?? ServerConfig()
        // Every dossier ends by its deadline; a drain that ends sooner would cut dossiers whose
        // departments were already called, and their records could come too late for the log.
        guard server.drainTimeoutSeconds * 1000 >= deadlineMs else {
            throw ConfigError(path: "server.drain_timeout_s",
                              problem: "\(server.drainTimeoutSeconds) s is shorter than deadline_ms (\(deadlineMs) ms): a dossier still "
                                  + "calling departments when the drain ends would leave no audit record; make it at least \((deadlineMs + 999) / 1000)")
        }
        var sources: [SourceConfig] = []
        for (path, value) in try root.array("sources") {
            let source = try SourceConfig(object: ConfigObject(value, path: path, knownKeys: SourceConfig.knownKeys))
            if sources.contains(where: { $0.name == source.name }) {
                throw ConfigError(path: path + ".name", problem: "duplicate source name \"\(source.name)\"")
            }
            sources.append(source)
        }
        if sources.isEmpty {
            throw ConfigError(path: "sources", problem: "must list at least one source")
        }
        self.sources = sources
        checks = try ConsistencyChecks(root: root, sources: sources)
        console = try root.object("console", knownKeys: ConsoleConfig.knownKeys).map(ConsoleConfig.init) ?? ConsoleConfig()
        tls = try root.object("tls", knownKeys: ["cert_file", "key_file", "min_version"]).flatMap(TLSConfig.init)
        limits = try root.object("limits", knownKeys: ["max_url_bytes", "malformed_burst", "malformed_per_minute", "max_dossiers_in_progress",
                                                       "max_batch_response_bytes", "max_batches_in_progress"])
            .map(LimitsConfig.init) ?? LimitsConfig()
        let hmacKey = try root.object("masking", knownKeys: ["hmac_key_file", "hmac_key_env"])?
            .binarySecret("hmac_key", environment: environment)
        if let hmacKey, hmacKey.bytes.count < Treatment.minimumHMACKeyBytes {
            throw ConfigError(path: hmacKey.path, problem: "the key is \(hmacKey.bytes.count) bytes; it must be at least "
                + "\(Treatment.minimumHMACKeyBytes), or pseudonyms can be reversed (make one with: openssl rand -hex 32)")
        }
        roles = try RoleConfig.parseAll(root, sources: sources, hmacKey: hmacKey?.bytes)
        clients = try ClientConfig.parseAll(root, roles: roles, environment: environment)
        guard let audit = try root.object("audit", knownKeys: AuditConfig.knownKeys) else {
            throw ConfigError(path: "audit", problem: "is required: every access is audited")
        }
        self.audit = try AuditConfig(object: audit)
        defaultRateLimit = try root.object("rate_limit", knownKeys: RateLimit.knownKeys).map(RateLimit.init)
        let configuredLevel = try root.string("log_level")
        let levelVariable = ConfigEnvironment.variablePrefix + "LOG_LEVEL"
        let overridingLevel = environment.variable(levelVariable)
        let level = overridingLevel ?? configuredLevel ?? "info"
        guard let logLevel = LogLevel(rawValue: level) else {
            // The environment wins over the file, so a bad value there must not be blamed on the file.
            let problem = "must be debug, info, warning or error, not \(level)"
            guard overridingLevel == nil else {
                throw ConfigError(path: levelVariable, problem: problem + " (this environment variable overrides log_level)")
            }
            throw ConfigError(path: "log_level", problem: problem)
        }
        self.logLevel = logLevel
    }
}

extension ListenConfig {
    init(object: ConfigObject) throws(ConfigError) {
        host = try object.string("host") ?? "127.0.0.1"
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else {
            throw ConfigError(path: object.keyPath("host"), problem: "must be an IPv4 address such as 127.0.0.1")
        }
        port = try object.integer("port", in: 0...65535, default: 8080)
    }
}

extension TLSConfig {
    /// `nil` when both files are null: the SPEC's way of writing "no TLS".
    init?(object: ConfigObject) throws(ConfigError) {
        let certFile = try object.string("cert_file"), keyFile = try object.string("key_file")
        let version = try object.string("min_version") ?? Version.tls13.rawValue
        guard let minimumVersion = Version(rawValue: version) else {
            throw ConfigError(path: object.keyPath("min_version"), problem: "must be \"1.2\" or \"1.3\"")
        }
        switch (certFile, keyFile) {
        case (nil, nil):
            return nil
        case (let certFile?, let keyFile?):
            self.init(certFile: certFile, keyFile: keyFile, minimumVersion: minimumVersion)
        default:
            throw ConfigError(path: object.keyPath(certFile == nil ? "cert_file" : "key_file"), problem: "is required when TLS is on")
        }
    }
}

extension AuditConfig {
    /// Only the `audit` section of the config file at `path`, for the audit tools, which run
    /// where the rest of the config (its secrets) need not be readable.
    public static func load(configFile path: String) throws(ConfigError) -> AuditConfig {
        let root = try ConfigObject(GatewayConfig.parseJSON(GatewayConfig.readFile(path)), path: "", knownKeys: nil)
        guard let audit = try root.object("audit", knownKeys: knownKeys) else {
            throw ConfigError(path: "audit", problem: "is required: every access is audited")
        }
        return try AuditConfig(object: audit)
    }

    static let knownKeys: Set<String> = ["path", "fsync", "signing_key_file", "max_file_bytes",
                                         "checkpoint_every_records", "checkpoint_every_s", "witness_file", "witness_url",
                                         "witness_timeout_ms", "append_timeout_ms"]

    init(object: ConfigObject) throws(ConfigError) {
        path = try object.requiredString("path")
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw ConfigError(path: object.keyPath("path"), problem: "must name a file such as var/audit/audit.jsonl")
        }
        fsync = try object.bool("fsync", default: true)
        signingKeyFile = try object.string("signing_key_file")
        maxFileBytes = try object.integer("max_file_bytes", in: 4096...AuditConfig.maxFileBytesLimit, default: 64 << 20)
        checkpointEveryRecords = try object.integer("checkpoint_every_records", in: 1...10_000_000, default: 1000)
        checkpointEverySeconds = try object.integer("checkpoint_every_s", in: 1...86_400, default: 60)
        witnessFile = try object.string("witness_file")
        // Not in the log's folder: whoever can write the log could write it too (and a name like a
        // log file's would be taken for one).
        if let witnessFile, witnessFile.isEmpty || witnessFile.hasSuffix("/")
            || AuditConfig.folder(of: witnessFile) == AuditConfig.folder(of: path) {
            throw ConfigError(path: object.keyPath("witness_file"), problem: "must name a file on other storage than the log, such as /mnt/witness/audit-witness.jsonl")
        }
        witnessURL = try object.string("witness_url")
        if let witnessURL, !(witnessURL.hasPrefix("http://") || witnessURL.hasPrefix("https://")) || witnessURL.utf8.count > 2048
            || witnessURL.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw ConfigError(path: object.keyPath("witness_url"), problem: "must be an http:// or https:// URL")
        }
        witnessTimeoutMs = try object.integer("witness_timeout_ms", in: 1...60_000, default: 5000)
        appendTimeoutMs = try object.integer("append_timeout_ms", in: 100...600_000, default: 2000)
    }
}

extension LimitsConfig {
    init(object: ConfigObject) throws(ConfigError) {
        // At most 4 KiB: the request line and headers share the server's 8 KiB per connection.
        maxURLBytes = try object.integer("max_url_bytes", in: 256...4096, default: 2048)
        malformedBurst = try object.integer("malformed_burst", in: 1...1_000_000, default: 50)
        malformedPerMinute = try object.integer("malformed_per_minute", in: 1...1_000_000, default: 50)
        maxDossiersInProgress = try object.integer("max_dossiers_in_progress", in: 1...100_000, default: 512)
        maxBatchResponseBytes = try object.integer("max_batch_response_bytes", in: 4096...(1 << 30), default: 16 << 20)
        maxBatchesInProgress = try object.integer("max_batches_in_progress", in: 1...10_000, default: 4)
    }
}

extension ServerConfig {
    init(object: ConfigObject) throws(ConfigError) {
        threads = try object.integer("threads", in: 0...256, default: 0)
        connectionLimit = try object.integer("connection_limit", in: 1...1_000_000, default: 10000)
        perIPConnectionLimit = try object.integer("per_ip_connection_limit", in: 0...1_000_000, default: 1000)
        connectionTimeoutSeconds = try object.integer("connection_timeout_s", in: 1...3600, default: 30)
        headerTimeoutSeconds = try object.integer("header_timeout_s", in: 1...600, default: 10)
        drainTimeoutSeconds = try object.integer("drain_timeout_s", in: 0...3600, default: 10)
        var networks: [IPv4Network] = []
        if object.value("trusted_proxies") != nil {
            for (path, value) in try object.array("trusted_proxies") {
                guard let network = value.string.flatMap(IPv4Network.init) else {
                    throw ConfigError(path: path, problem: "must be an IPv4 address or block such as \"10.0.0.0/8\" (no host bits past the prefix)")
                }
                networks.append(network)
            }
        }
        trustedProxies = TrustedProxies(networks)
    }
}
