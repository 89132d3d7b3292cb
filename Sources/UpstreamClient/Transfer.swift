import CCurl
import GatewayCore

/// One upstream call in flight: its limits, its growing body, and who waits for it.
final class Transfer: @unchecked Sendable {
    // @unchecked: a transfer is created by `fetch`, handed to the loop thread once through
    // the loop's locked inbox, and from then on touched only by the loop thread.
    let request: UpstreamRequest
    let continuation: CheckedContinuation<TransferResult, Never>
    var body: [UInt8] = []
    /// Set by the write callback when the body grew past the cap.
    var exceededCap = false
    /// The request's own header list, when it has extra headers; freed with the transfer.
    var headerList: UnsafeMutablePointer<curl_slist>?

    init(request: UpstreamRequest, continuation: CheckedContinuation<TransferResult, Never>) {
        self.request = request
        self.continuation = continuation
    }

    deinit {
        curl_slist_free_all(headerList)
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
