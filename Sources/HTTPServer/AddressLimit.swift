import Synchronization

/// Connections in progress per client address, capped so one address cannot take every slot of
/// the server. The server counts each connection under its peer's address; a handler behind
/// front proxies counts each request under the client address it learnt from them, since the
/// proxies' connections carry many clients' requests (README "Security").
public final class AddressLimit: Sendable {
    /// The most an address may hold at once; `0` means no limit.
    public let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    public init(limit: Int) {
        self.limit = limit
    }

    /// Counts one more for `address` if it is below the limit (without a limit nothing is counted).
    /// - Returns: whether it may go on (then `leave` it once done).
    public func tryEnter(_ address: String) -> Bool {
        guard limit > 0 else { return true }
        return counts.withLock { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    public func leave(_ address: String) {
        guard limit > 0 else { return }
        counts.withLock { counts in
            guard let count = counts[address] else { preconditionFailure("AddressLimit.leave(\(address)) without enter") }
            counts[address] = count > 1 ? count - 1 : nil
        }
    }

    /// Whether `address` is below the limit now (MHD's accept policy asks before the connection
    /// exists; it is counted, with `enter`, once it does).
    func hasRoom(for address: String) -> Bool {
        limit == 0 || counts.withLock { $0[address, default: 0] < limit }
    }

    /// Counts one more for `address` even at the limit: a connection accepted by `hasRoom` while
    /// another thread accepted one too.
    func enter(_ address: String) {
        guard limit > 0 else { return }
        counts.withLock { $0[address, default: 0] += 1 }
    }
}
