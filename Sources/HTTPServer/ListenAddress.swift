import Glibc

/// The IPv4 address and port the server listens on, as the socket calls take it.
struct ListenAddress {
    let host: String
    let port: Int
    private(set) var socketAddress = sockaddr_in()

    init(host: String, port: Int) throws(HTTPServerError) {
        self.host = host
        self.port = port
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else { throw .invalidAddress(host) }
    }

    /// Runs `body` with the address as the `sockaddr` the socket calls take.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// Binds the address for a moment, with `SO_REUSEADDR` (a port in TIME_WAIT is free) but not
    /// `SO_REUSEPORT`, and lets it go, so a start can fail on a port that is taken (or an address
    /// this machine does not have) before it opens anything else. A running gateway's listeners
    /// have `SO_REUSEPORT` (one per event loop): a bind without it fails against them, so a second
    /// gateway on the same port is refused here. The corresponding C functions are `socket`,
    /// `setsockopt`, `bind`.
    func checkBindable() throws(HTTPServerError) {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw .cannotListen(host: host, port: port, reason: String(cString: strerror(errno))) }
        defer { close(probe) }
        var one: Int32 = 1
        _ = setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withSocketAddress { address, length in bind(probe, address, length) == 0 ? 0 : errno }
        switch bound {
        case 0: return
        case EADDRINUSE: throw .addressInUse(host: host, port: port)
        default: throw .cannotListen(host: host, port: port, reason: String(cString: strerror(bound)))
        }
    }
}
