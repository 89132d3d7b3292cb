import EventLoop
import GatewayCore
import Synchronization

/// Fetches department data over HTTP(S) with libcurl; every failure comes back as a
/// `SourceOutcome`, never as a thrown error, so a dossier always knows which source failed and why.
///
/// Each event loop has a multi handle of its own. Calls started on a loop's thread (a request's
/// task runs there) go into that loop's handle directly and complete there, so awaiting them wakes
/// no thread; calls from elsewhere go to the loops in turn, through their queues.
public final class UpstreamClient: Sendable {
    private let loops: EventLoopGroup
    /// Whether the client started `loops` and stops them in `shutdown`.
    private let ownsLoops: Bool
    /// By the index of their loop in `loops`.
    private let multis: [CurlMulti]
    private let stopped = Atomic(false)

    /// - Parameters:
    ///   - maxCachedConnections: idle keep-alive connections kept per loop across all upstreams.
    ///   - loops: the event loops to run on; `nil` starts one of the client's own.
    public init(maxCachedConnections: Int = 1024, loops: EventLoopGroup? = nil) {
        self.loops = loops ?? EventLoopGroup(loops: 1, name: "curl-multi")
        ownsLoops = loops == nil
        let shared = SharedCalls()
        multis = self.loops.loops.map { loop in
            let multi = CurlMulti(loop: loop, shared: shared, maxCachedConnections: maxCachedConnections)
            loop.executeAndWait { multi.start() }
            return multi
        }
    }

    /// Makes every call in `calls` at once and interprets their answers, in the same order;
    /// returns when the slowest is done. Each call ends within its own time (its source's
    /// timeout from when its loop takes it, or its deadline), also when it shares an identical
    /// call in flight, so the whole returns within the longest.
    /// - Parameter whenEachEnds: told the index of each call as soon as its transfer ends, on
    ///   the loop's thread, before the answers are interpreted: for giving back what the call
    ///   held (a bulkhead permit) without waiting for the slowest call.
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
    /// transport saw of each, in the same order, on the loop's thread when the slowest is done
    /// (interpret them with `SourceOutcome(request:report:)`). On a loop's thread the calls run on
    /// that loop; from elsewhere, on the next loop in turn.
    public func start(_ calls: [UpstreamCall], whenEachEnds: (@Sendable (Int) -> Void)? = nil,
                      completion: @escaping @Sendable (_ reports: [TransferReport]) -> Void) {
        let batch = TransferBatch(count: calls.count, whenEachEnds: whenEachEnds, completion: completion)
        let transfers = batch.transfers(for: calls)
        guard !transfers.isEmpty else { return }
        let loop = loops.any()
        let multi = multis[loops.loops.firstIndex { $0 === loop }!]
        if loop.inEventLoop {
            multi.submit(transfers)
        } else if stopped.load(ordering: .acquiring) || !loop.execute({ multi.submit(transfers) }) {
            for transfer in transfers { transfer.complete(CurlMulti.shutDown, timeouts: transfer.timeouts) }
        }
    }

    /// Makes one call that belongs to no configured source (a one-off fetch), with a template
    /// made for it.
    public func fetch(_ request: UpstreamRequest) async -> SourceOutcome {
        await fetchAll([UpstreamCall(request: request, template: SourceTemplate(request: request))])[0]
    }

    /// Fails what is in flight and stops every loop's multi handle (and the client's own loop, if
    /// it started one). Later calls fail at once; a second `shutdown` does nothing.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for multi in multis {
            multi.loop.executeAndWait { multi.stop() }
        }
        if ownsLoops { loops.shutdown() }
    }

    /// How often another thread woke the client's loops and how often they woke at all, so far.
    var wakeCounts: (writes: Int, wakeUps: Int) { loops.wakeCounts }
}
