public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case cannotListen(host: String, port: Int, reason: String)
    /// Another socket listens on the address: most often a gateway already running.
    case addressInUse(host: String, port: Int)
    case tlsUnavailable

    public var description: String {
        switch self {
        case .invalidAddress(let host): "\(host) is not an IPv4 address"
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        case .addressInUse(let host, let port): "cannot listen on \(host):\(port): the port is in use (is a gateway already running?)"
        case .tlsUnavailable: "this libmicrohttpd was built without TLS support"
        }
    }
}
