import GatewayCore

/// Fetches department data over HTTP(S) with libcurl; every failure comes back as a
/// `SourceOutcome`, never as a thrown error, so a dossier always knows which source failed and why.
public final class UpstreamClient: Sendable {
    private let loop: CurlMultiLoop

    /// - Parameter maxCachedConnections: idle keep-alive connections kept across all upstreams.
    public init(maxCachedConnections: Int = 1024) {
        loop = CurlMultiLoop(maxCachedConnections: maxCachedConnections)
    }

    /// Calls every department in `requests` at once and interprets their answers, in the
    /// same order; returns when the slowest is done. Each call ends within its own `timeoutMs`
    /// (counted from when the transfer thread takes it), also when it shares an identical call
    /// in flight, so the whole returns within the largest.
    /// - Parameter whenEachEnds: told the index of each request as soon as its transfer ends, on
    ///   the transfer thread, before the answers are interpreted: for giving back what the call
    ///   held (a bulkhead permit) without waiting for the slowest call and a free task thread.
    public func fetchAll(_ requests: [UpstreamRequest], whenEachEnds: (@Sendable (Int) -> Void)? = nil) async -> [SourceOutcome] {
        let results = await withCheckedContinuation { continuation in
            start(requests, whenEachEnds: whenEachEnds) { continuation.resume(returning: $0) }
        }
        return zip(requests, results).map { request, result in
            SourceOutcome(request: request, result: result.result, latencyMs: result.elapsed.wholeMilliseconds)
        }
    }

    /// Starts every transfer in `requests` at once, without a task waiting: `completion` gets
    /// the raw results, in the same order, on the transfer thread when the slowest is done
    /// (interpret them with `SourceOutcome(request:result:latencyMs:)`, off that thread).
    public func start(_ requests: [UpstreamRequest], whenEachEnds: (@Sendable (Int) -> Void)? = nil,
                      completion: @escaping @Sendable (_ results: [(result: TransferResult, elapsed: Duration)]) -> Void) {
        let batch = TransferBatch(count: requests.count, whenEachEnds: whenEachEnds, completion: completion)
        loop.submit(batch.transfers(for: requests))
    }

    /// Calls one department.
    public func fetch(_ request: UpstreamRequest) async -> SourceOutcome {
        await fetchAll([request])[0]
    }

    /// Fails what is in flight and stops the transfer thread.
    public func shutdown() {
        loop.stop()
    }
}
