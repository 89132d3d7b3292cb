import GatewayCrypto
import Glibc

/// Settings that are valid but risky in production: `config check` prints them (and fails on them
/// with `--strict`), `serve` logs them at start (README "Command line"). Settings a production
/// config has on purpose but that are worth saying (an auditors' role that sees everything) are
/// notes: printed and logged the same way, but `--strict` does not count them, or the walk-through's
/// own production config, which has an auditor role, could never pass a pipeline.
public enum ConfigWarnings {
    public static func of(_ config: GatewayConfig) -> [String] {
        var warnings: [String] = []
        let demoHashes = DemoKeys.all.map { Digest.sha256(Array($0.utf8)) }
        for client in config.clients where demoHashes.contains(client.apiKeySHA256) {
            warnings.append("clients: \(client.id) accepts a public demo key; replace its api_key_sha256 (exchange-gateway keygen)")
        }
        if config.tls == nil, !isLoopback(config.listen.host) {
            warnings.append("tls: off while listening on \(config.listen.host), beyond loopback; keys and personal data cross the network "
                + "in clear unless a TLS-terminating proxy is in front")
        }
        if config.audit.signingKeyFile == nil {
            warnings.append("audit.signing_key_file: not set, so audit checkpoints are not signed (exchange-gateway audit keygen)")
        }
        if !config.audit.path.hasPrefix("/") {
            warnings.append("audit.path: \(config.audit.path) is relative, so the log lands wherever the gateway is started from")
        }
        for network in config.server.trustedProxies.networks where network.prefixLength < widestTrustedPrefix {
            let reach = network.prefixLength == 0 ? "every address" : "\(UInt64(1) << (32 - network.prefixLength)) addresses"
            warnings.append("server.trusted_proxies: \(network) trusts \(reach); any peer in it may name any client in X-Forwarded-For "
                + "(and so in the audit log and past the address guards): list only the proxies' own addresses")
        }
        return warnings
    }

    /// What is deliberate in a production config but worth saying each time it is checked.
    public static func notes(of config: GatewayConfig) -> [String] {
        config.roles.values.sorted(by: { $0.name < $1.name }).filter { seesEverything($0, sources: config.sources) }.map { role in
            "roles.\(role.name): sees every field of every source (view \"all\"); give it only to those who must see personal data"
        }
    }

    /// A trusted block wider than a /8 holds more than any deployment's proxies: likely `0.0.0.0/0`
    /// meant as "whatever proxy is in front", which lets every client choose its own address.
    private static let widestTrustedPrefix = 8

    /// 127.0.0.0/8: the listener is reachable from this machine only.
    private static func isLoopback(_ host: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    /// May read every source, with `"view": "all"` on each (README, Views): meant for auditors only.
    private static func seesEverything(_ role: RoleConfig, sources: [SourceConfig]) -> Bool {
        sources.allSatisfy { source in role.mayRead(source.name) && role.view(for: source.name).servesEverything }
    }
}
