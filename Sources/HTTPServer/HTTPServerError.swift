public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case cannotListen(host: String, port: Int, reason: String)
    case tlsUnavailable
    case unreadableTLSFile(String)

    public var description: String {
        switch self {
        case .invalidAddress(let host): "\(host) is not an IPv4 address"
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        case .tlsUnavailable: "this libmicrohttpd was built without TLS support"
        case .unreadableTLSFile(let path): "cannot read TLS file \(path)"
        }
    }
}
