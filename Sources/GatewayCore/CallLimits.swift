/// The time one upstream call has, fixed when the transport takes it (libcurl counts a timeout
/// from then): its source's own timeout, or the dossier deadline when that comes first.
public struct CallLimits: Sendable, Equatable {
    /// When the call must be over.
    public let end: Deadline
    /// The dossier deadline, not the source's own timeout, set `end`.
    public let endIsDossierDeadline: Bool
    /// The source's own connect timeout.
    public let connectTimeout: Duration

    /// - Parameters:
    ///   - timeoutMs, connectTimeoutMs: the source's own timeouts.
    ///   - deadline: the dossier's deadline; `nil` for a call that has none.
    ///   - start: when the transport takes the call.
    public init(timeoutMs: Int, connectTimeoutMs: Int, deadline: Deadline?, from start: ContinuousClock.Instant) {
        let own = Deadline(milliseconds: timeoutMs, after: start)
        if let deadline, deadline < own {
            end = deadline
            endIsDossierDeadline = true
        } else {
            end = own
            endIsDossierDeadline = false
        }
        connectTimeout = .milliseconds(connectTimeoutMs)
    }

    /// The timeouts of an attempt starting at `now`: what is left until `end`, and the connect
    /// timeout unless `end` comes first. A call made again for those who joined one that was cut
    /// short starts later than it was taken, and keeps its end.
    public func timeouts(at now: ContinuousClock.Instant) -> TransferTimeouts {
        let left = now.duration(to: end.instant)
        let connectEndsFirst = connectTimeout < left
        return TransferTimeouts(timeoutMs: Self.milliseconds(left),
                                connectTimeoutMs: Self.milliseconds(connectEndsFirst ? connectTimeout : left),
                                timeoutSetByDeadline: endIsDossierDeadline,
                                connectTimeoutSetByDeadline: endIsDossierDeadline && !connectEndsFirst)
    }

    /// Whether an attempt starting at `now` can still be of use, by the rule every start follows
    /// (`Deadline.lastUsefulStart`).
    public func allowsAttempt(at now: ContinuousClock.Instant) -> Bool {
        now < end.lastUsefulStart(needing: connectTimeout)
    }

    /// Whole milliseconds, rounded up so that the call does not end before `end`; at least 1,
    /// since libcurl reads a timeout of 0 as none.
    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration / .milliseconds(1)).rounded(.up)))
    }
}
