import GatewayCore

/// Fetches department data over HTTP(S) with libcurl; every failure comes back as a
/// `SourceOutcome`, never as a thrown error, so a dossier always knows which source failed and why.
public final class UpstreamClient: Sendable {
    private let loop: CurlMultiLoop

    /// - Parameter maxCachedConnections: idle keep-alive connections kept across all upstreams.
    public init(maxCachedConnections: Int = 1024) {
        loop = CurlMultiLoop(maxCachedConnections: maxCachedConnections)
    }

    /// Calls one department and interprets its answer; returns within `request.timeoutMs`.
    public func fetch(_ request: UpstreamRequest) async -> SourceOutcome {
        let start = ContinuousClock.now
        let result = await withCheckedContinuation { continuation in
            loop.submit(Transfer(request: request, continuation: continuation))
        }
        let elapsed = start.duration(to: .now)
        return SourceOutcome(request: request, result: result, latencyMs: elapsed.wholeMilliseconds)
    }

    /// Fails what is in flight and stops the transfer thread.
    public func shutdown() {
        loop.stop()
    }
}
