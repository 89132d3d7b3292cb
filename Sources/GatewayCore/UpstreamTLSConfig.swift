/// How the gateway talks TLS to one department: the CA to trust (else the system's) and an
/// optional client certificate for mutual TLS. Certificate verification is always on.
public struct UpstreamTLSConfig: Sendable, Equatable {
    public var caFile: String?
    public var clientCertFile: String?
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
    }
}
