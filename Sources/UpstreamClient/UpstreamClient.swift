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
    /// same order; returns when the slowest is done, within the largest `timeoutMs`.
    public func fetchAll(_ requests: [UpstreamRequest]) async -> [SourceOutcome] {
        let results = await withCheckedContinuation { continuation in
            loop.submit(TransferBatch(count: requests.count, continuation: continuation).transfers(for: requests))
        }
        return zip(requests, results).map { request, result in
            SourceOutcome(request: request, result: result.0, latencyMs: result.1.wholeMilliseconds)
        }
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
