import GatewayCrypto

/// A checkpoint line: an Ed25519 signature over the chain's head. Whoever holds the public
/// key can tell that everything up to the head was written by the gateway and not changed
/// since, even if the whole file were rewritten with a consistent new chain.
public enum AuditCheckpoint {
    /// What is signed: a fixed label, the checkpoint's own `seq`, and the hash it links to.
    public static func message(seq: Int, head: [UInt8]) -> [UInt8] {
        Array("exchange-gateway audit checkpoint v1\n\(seq)\n\(Hex.encode(head))".utf8)
    }

    /// A short name of a public key, written into checkpoints so a verifier can tell keys apart.
    public static func keyID(of key: Ed25519.PublicKey) -> String {
        String(Hex.encode(Digest.sha256(key.rawRepresentation)).prefix(16))
    }

    /// The body of the checkpoint that will become line `chain.lastSeq + 1`.
    public static func body(after chain: AuditChain, signingKey: Ed25519.PrivateKey, time: Timestamp) -> [UInt8] {
        let seq = chain.lastSeq + 1
        var line = AuditLineBody(.checkpoint, time: time)
        line.output.key("key_id")
        line.output.string(keyID(of: signingKey.publicKey))
        line.output.key("signature")
        line.hex(signingKey.signature(for: message(seq: seq, head: chain.lastHash)))
        return line.finished()
    }
}
