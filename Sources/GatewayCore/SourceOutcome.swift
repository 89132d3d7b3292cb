import GatewayJSON

/// One source's section of a dossier: its status, how long it took, and its data or error.
public struct SourceOutcome: Sendable {
    public var status: SourceStatus
    public var latencyMs: Int
    /// The department's HTTP status, when it answered.
    public var httpStatus: Int?
    /// The department's JSON object as the caller's view serves it, when `status` is `ok`:
    /// compact JSON text, written while the body was validated (`ViewWriter`).
    public var data: [UInt8]?
    /// What the role's view did not serve of the body (README, Views), listed when `status` is `ok`.
    public var withheld = DistinctPaths(limit: DistinctPaths.withheldLimit)
    /// The body's schema drift, to log and count; never sent.
    public var drift = DistinctPaths(limit: SchemaDrift.maximumPathsPerSource)
    /// The unmasked values the consistency checks read, in the order of the reading's
    /// `CheckCaptures.pointers`; `nil` where the body has none.
    public var checkValues: [CheckValue?] = []
    /// A short explanation for the clerk when `status` is not `ok`; never an upstream body.
    public var error: String?
    /// What went wrong with the transfer, when it failed before an answer: decides retries.
    public var transferFailure: TransferFailure?
    /// The dossier's deadline, not the department, ended the call (`TransferTimeouts.cutByDeadline`)
    /// or kept it from starting: the department did not get its full time, so it is not to blame
    /// (its breaker does not count this call).
    public var endedByDeadline = false

    public init(status: SourceStatus, latencyMs: Int, httpStatus: Int? = nil, data: [UInt8]? = nil, error: String? = nil) {
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

    /// Writes the section as it appears in the dossier body.
    func write(into output: inout JSONOutput) {
        output.beginObject()
        output.member("status", status.rawValue)
        output.member("latency_ms", latencyMs)
        if let httpStatus {
            output.member("http_status", httpStatus)
        }
        if let data {
            output.key("data")
            data.withUnsafeBytes { output.json($0) }
        }
        if status == .ok {
            output.member("withheld", withheld.listed)
            if withheld.unlisted > 0 {
                output.member("withheld_more", withheld.unlisted)
            }
        }
        if let error {
            output.member("error", error)
        }
        output.endObject()
    }
}
