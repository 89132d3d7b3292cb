/// The timeouts one attempt of an upstream call ran with, in whole milliseconds as libcurl takes
/// them, and which of them the dossier deadline set: the facts that say whether a timeout was the
/// deadline's doing.
public struct TransferTimeouts: Sendable, Equatable {
    public let timeoutMs: Int
    public let connectTimeoutMs: Int
    /// The dossier deadline came before the source's own timeout.
    public let timeoutSetByDeadline: Bool
    /// The dossier deadline came before the source's own connect timeout.
    public let connectTimeoutSetByDeadline: Bool

    public init(timeoutMs: Int, connectTimeoutMs: Int, timeoutSetByDeadline: Bool = false, connectTimeoutSetByDeadline: Bool = false) {
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.timeoutSetByDeadline = timeoutSetByDeadline
        self.connectTimeoutSetByDeadline = connectTimeoutSetByDeadline
    }

    /// Whether `failure` was the dossier deadline's doing: a timeout whose limit the deadline set.
    /// Then the department did not get its full time: it is not to blame (its breaker does not
    /// count the call), and the calls that joined this one and have more time make it again.
    /// A connect that failed within the source's own connect timeout, before the deadline, says
    /// the department is unreachable, and that holds for everyone.
    public func cutByDeadline(_ failure: TransferFailure) -> Bool {
        switch failure {
        case .timedOut: timeoutSetByDeadline
        case .connectTimedOut: connectTimeoutSetByDeadline
        default: false
        }
    }
}
