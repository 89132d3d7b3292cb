import GatewayJSON

/// One source's section of a dossier: its status, how long it took, and its data or error.
public struct SourceOutcome: Sendable {
    public var status: SourceStatus
    public var latencyMs: Int
    /// The department's HTTP status, when it answered.
    public var httpStatus: Int?
    /// The department's JSON object, when `status` is `ok`.
    public var data: JSON?
    /// What the role's view did not serve of `data` (README, Views), listed when `status` is `ok`.
    public var withheld = DistinctPaths(limit: DistinctPaths.withheldLimit)
    /// A short explanation for the clerk when `status` is not `ok`; never an upstream body.
    public var error: String?
    /// What went wrong with the transfer, when it failed before an answer: decides retries.
    public var transferFailure: TransferFailure?
    /// The dossier's deadline, not the department, ended the call (`TransferTimeouts.cutByDeadline`)
    /// or kept it from starting: the department did not get its full time, so it is not to blame
    /// (its breaker does not count this call).
    public var endedByDeadline = false

    public init(status: SourceStatus, latencyMs: Int, httpStatus: Int? = nil, data: JSON? = nil, error: String? = nil) {
        self.status = status
        self.latencyMs = latencyMs
        self.httpStatus = httpStatus
        self.data = data
        self.error = error
    }

    /// The outcome of a source that was not called.
    public static func notCalled(_ status: SourceStatus, error: String) -> SourceOutcome {
        SourceOutcome(status: status, latencyMs: 0, error: error)
    }

    /// The outcome of a source whose call could not start before the dossier's deadline (the
    /// request waited that long inside an overloaded gateway).
    public static func deadlinePassedBeforeCall() -> SourceOutcome {
        var outcome = SourceOutcome(status: .timeout, latencyMs: 0, error: "the dossier deadline passed before this department could be called")
        outcome.endedByDeadline = true
        return outcome
    }

    /// The section as it appears in the dossier body.
    public func json() -> JSON {
        let section = JSON.object()
        section["status"] = JSON(status.rawValue)
        section["latency_ms"] = JSON(latencyMs)
        if let httpStatus { section["http_status"] = JSON(httpStatus) }
        if let data { section["data"] = data }
        if status == .ok {
            section["withheld"] = JSON.array(withheld.listed.map(JSON.init))
            if withheld.unlisted > 0 { section["withheld_more"] = JSON(withheld.unlisted) }
        }
        if let error { section["error"] = JSON(error) }
        return section
    }
}
