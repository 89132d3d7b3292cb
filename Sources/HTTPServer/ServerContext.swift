/// What every loop's daemon needs of the server, the same for all: the handler, the answer for
/// requests arriving while it stops, the body limit, the per-address connection limit and the
/// header deadline.
final class ServerContext: Sendable {
    let handler: HTTPExchangeHandler
    let refusal: @Sendable (HTTPRequest) -> HTTPResponse
    let maxBodyBytes: Int
    let connectionsPerAddress: AddressLimit
    let isUncountedPeer: @Sendable (String) -> Bool
    let headerDeadline: HeaderDeadline?

    init(handler: @escaping HTTPExchangeHandler, refusal: @escaping @Sendable (HTTPRequest) -> HTTPResponse, maxBodyBytes: Int,
         connectionsPerAddress: AddressLimit, isUncountedPeer: @escaping @Sendable (String) -> Bool, headerDeadline: HeaderDeadline?) {
        self.handler = handler
        self.refusal = refusal
        self.maxBodyBytes = maxBodyBytes
        self.connectionsPerAddress = connectionsPerAddress
        self.isUncountedPeer = isUncountedPeer
        self.headerDeadline = headerDeadline
    }
}
