/// Where the gateway listens for clerks and other departments.
public struct ListenConfig: Sendable, Equatable {
    /// An IPv4 address; `127.0.0.1` keeps the gateway on loopback.
    public var host: String
    /// `0` picks a free port.
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
