import CCurl
import GatewayCore

/// One upstream call in flight: its limits, its growing body, and what to do with the result.
// @unchecked: the mutable state is used by one thread at a time. A fetch makes the transfer and
// hands it to the loop through the loop's locked inbox; from then on only the loop thread touches
// it. A transfer the loop refuses because it has stopped never reaches the loop thread: `submit`
// completes it on the calling thread instead.
final class Transfer: @unchecked Sendable {
    let request: UpstreamRequest
    /// Called once with the result and the call's duration: on the loop thread, or on the
    /// submitting thread when the loop has stopped.
    let complete: (TransferResult, Duration) -> Void
    let started = ContinuousClock.now
    /// When the call must be over: `request.timeoutMs` after the loop took it, as libcurl counts
    /// a timeout. Set by the loop when it takes the transfer.
    var deadline = ContinuousClock.now
    /// Identical calls waiting for this one, each of which ends no earlier than this one.
    var followers: [Transfer] = []
    var body: [UInt8] = []
    /// Set by the write callback when the body grew past the cap.
    var exceededCap = false
    /// The request's header list; freed with the transfer.
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// The answer's `Cache-Control` header, kept when the request may be cached.
    var cacheControl: String?

    init(request: UpstreamRequest, complete: @escaping (TransferResult, Duration) -> Void) {
        self.request = request
        self.complete = complete
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Whole milliseconds left until `deadline`, rounded up so that the call does not end before
    /// it; at least 1, since libcurl reads a timeout of 0 as none.
    func remainingMs(at now: ContinuousClock.Instant = .now) -> Int {
        max(1, Int((now.duration(to: deadline) / .milliseconds(1)).rounded(.up)))
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
