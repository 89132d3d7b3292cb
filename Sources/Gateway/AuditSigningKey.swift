import GatewayCore
import GatewayCrypto

/// The audit signing key file (`audit.signing_key_file`), read at start, on reload (a changed key
/// takes over at a checkpoint boundary) and by `audit accept-loss`.
public enum AuditSigningKey {
    /// The Ed25519 private key in the PEM file at `path`.
    public static func load(_ path: String) throws(GatewayStartError) -> Ed25519.PrivateKey {
        guard let pem = FileBytes.read(path) else { throw .signingKey(path: path, reason: "cannot be read") }
        do {
            return try Ed25519.PrivateKey(pem: String(decoding: pem, as: UTF8.self))
        } catch {
            throw .signingKey(path: path, reason: error.description)
        }
    }
}
