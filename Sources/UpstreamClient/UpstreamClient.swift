import GatewayCore

/// Fetches department data over HTTP(S) with libcurl; every failure comes back as a
/// `SourceOutcome`, never as a thrown error, so a dossier always knows which source failed and why.
public final class UpstreamClient: Sendable {
    private let loop: CurlMultiLoop

    /// - Parameter maxCachedConnections: idle keep-alive connections kept across all upstreams.
    public init(maxCachedConnections: Int = 1024) {
        loop = CurlMultiLoop(maxCachedConnections: maxCachedConnections)
    }

    /// Makes every call in `calls` at once and interprets their answers, in the same order;
    /// returns when the slowest is done. Each call ends within its own time (its source's
    /// timeout from when the transfer thread takes it, or its deadline), also when it shares an
    /// identical call in flight, so the whole returns within the longest.
    /// - Parameter whenEachEnds: told the index of each call as soon as its transfer ends, on
    ///   the transfer thread, before the answers are interpreted: for giving back what the call
    ///   held (a bulkhead permit) without waiting for the slowest call and a free task thread.
    /// Each answer's body is served as sent (`SourceReading.asSent`).
    public func fetchAll(_ calls: [UpstreamCall], whenEachEnds: (@Sendable (Int) -> Void)? = nil) async -> [SourceOutcome] {
        let reports = await transfer(calls, whenEachEnds: whenEachEnds)
        return zip(calls, reports).map { call, report in SourceOutcome(request: call.request, report: report) }
    }

    /// `fetchAll` without interpreting the answers: what the transport saw of each call, for a
    /// caller that reads the bodies its own way (`SourceOutcome(request:report:reading:)`).
    public func transfer(_ calls: [UpstreamCall], whenEachEnds: (@Sendable (Int) -> Void)? = nil) async -> [TransferReport] {
        // Unsafe: the batch resumes it exactly once, when its last transfer is done.
        await withUnsafeContinuation { continuation in
            start(calls, whenEachEnds: whenEachEnds) { continuation.resume(returning: $0) }
        }
    }

    /// Starts every call in `calls` at once, without a task waiting: `completion` gets what the
    /// transport saw of each, in the same order, on the transfer thread when the slowest is done
    /// (interpret them with `SourceOutcome(request:report:)`, off that thread).
    public func start(_ calls: [UpstreamCall], whenEachEnds: (@Sendable (Int) -> Void)? = nil,
                      completion: @escaping @Sendable (_ reports: [TransferReport]) -> Void) {
        let batch = TransferBatch(count: calls.count, whenEachEnds: whenEachEnds, completion: completion)
        loop.submit(batch.transfers(for: calls))
    }

    /// Makes one call that belongs to no configured source (a one-off fetch), with a template
    /// made for it.
    public func fetch(_ request: UpstreamRequest) async -> SourceOutcome {
        await fetchAll([UpstreamCall(request: request, template: SourceTemplate(request: request))])[0]
    }

    /// Fails what is in flight and stops the transfer thread.
    public func shutdown() {
        loop.stop()
    }

    /// How often a submission woke the transfer thread and how often it woke at all, so far.
    var wakeCounts: (writes: Int, wakeUps: Int) { loop.wakeCounts }
}
