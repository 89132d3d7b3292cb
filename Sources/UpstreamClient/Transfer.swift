import GatewayCore

/// One upstream call in flight: its limits, its growing body, and whom to tell when it ends.
// @unchecked: the mutable state is used by one thread at a time. A fetch makes the transfer and
// hands it to the multi handle of one event loop (directly on that loop's thread, or through the
// loop's queue); from then on only that loop's thread touches it, but for `isJoinable` and
// `followers`, which change only under `SharedCalls`' lock. A transfer refused because the client
// has stopped never reaches a loop: it is completed on the calling thread instead.
final class Transfer: @unchecked Sendable {
    let request: UpstreamRequest
    let template: SourceTemplate
    /// The key identical calls in flight share, hashed here, on the submitting thread.
    let key: URLKey
    /// Told the report, at `index` of the calls it started together.
    private let batch: TransferBatch
    private let index: Int
    let started = ContinuousClock.now
    /// The time the call has: set again by the loop when it takes the transfer, as libcurl
    /// counts a timeout from then.
    var limits: CallLimits
    /// What the last attempt ran with.
    var timeouts: TransferTimeouts
    /// The multi handle that runs the call, and completes it (set when it is handed to one).
    var home: CurlMulti?
    /// Whether the shared coalescing index points at this call (identical calls may join it).
    var isJoinable = false
    /// Identical calls waiting for this one, each of which ends no earlier than this one (they may
    /// be on other loops).
    var followers: [Transfer] = []
    var body: [UInt8] = []
    /// Set by the write callback when the body grew past the cap.
    var exceededCap = false
    /// The answer's `Cache-Control` header, kept when the request may be cached.
    var cacheControl: String?

    init(_ call: UpstreamCall, batch: TransferBatch, index: Int) {
        request = call.request
        template = call.template
        key = URLKey(call.request.url)
        self.batch = batch
        self.index = index
        limits = call.request.limits(from: started)
        timeouts = call.request.ownTimeouts
    }

    /// Ends the call with `result`, which the attempt that ran with `timeouts` produced.
    func complete(_ result: TransferResult, timeouts: TransferTimeouts, at now: ContinuousClock.Instant = .now) {
        batch.finish(index, TransferReport(result: result, timeouts: timeouts, elapsed: started.duration(to: now)))
    }

    /// Notes the `Cache-Control` header among the answer's header lines.
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        let prefix = "cache-control:"
        guard line.count > prefix.utf8.count,
              zip(line, prefix.utf8).allSatisfy({ ($0 | 0x20) == $1 })
        else { return }
        cacheControl = String(decoding: line.dropFirst(prefix.utf8.count), as: UTF8.self).trimmingASCIIWhitespace()
    }

    /// Appends a piece of the body; `false` once the body would exceed the cap.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= request.maxResponseBytes else {
            exceededCap = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}
