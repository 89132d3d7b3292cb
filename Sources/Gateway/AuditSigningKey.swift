import GatewayCore
import GatewayCrypto

/// The audit signing key file (`audit.signing_key_file`), read at start, on reload (a changed key
/// takes over at a checkpoint boundary) and by `audit accept-loss`.
public enum AuditSigningKey {
    /// The Ed25519 private key in the PEM file at `path`, read as the start-up checks read it.
    public static func load(_ path: String) throws(GatewayStartError) -> Ed25519.PrivateKey {
        do {
            return try StartupFiles.signingKey(at: path)
        } catch {
            throw .files(error)
        }
    }
}
