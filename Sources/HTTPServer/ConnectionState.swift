/// One TCP connection, from MHD's notice that it started to its notice that it closed. Owned by
/// MHD through the connection's socket context.
final class ConnectionState: Sendable {
    /// The peer's address, as the per-address limit counts it.
    let peer: String
    /// Whether the connection counts towards its peer's limit (a trusted proxy's do not).
    let isCounted: Bool

    init(peer: String, isCounted: Bool) {
        self.peer = peer
        self.isCounted = isCounted
    }
}
