/// What the HTTP client saw of one upstream call, before any interpretation.
public enum TransferResult: Sendable {
    /// The department answered; `body` is complete and within the size cap.
    case response(status: Int, body: [UInt8])
    case failure(TransferFailure)
}

/// Why an upstream call produced no usable HTTP response.
public enum TransferFailure: Sendable, Equatable {
    /// Connected, but the answer was not complete within the timeout.
    case timedOut
    /// No connection within the connect timeout.
    case connectTimedOut
    case connectionRefused
    case hostNotFound
    /// The department closed the connection without an answer.
    case closedWithoutResponse
    case connectionReset
    case tlsFailed
    /// The body grew past `maxResponseBytes`.
    case responseTooLarge
    /// Any other client failure, with the client library's short reason.
    case other(String)
}
