public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let host): "\(host) is not an IPv4 address"
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
