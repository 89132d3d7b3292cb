import CCurl
import GatewayCore

/// One libcurl easy handle, duplicated from its source's template, and what it needs for the calls
/// made on it one after another: the call in progress (its callbacks' context is this object, set
/// once) and the memory its calls' own header lines are written into.
///
/// Freed with the handle when its template lets it go.
// @unchecked: used by one thread at a time: the loop thread that runs a call on it, or, between
// calls, whoever takes it from its template's pool, under the pool's lock.
final class EasyHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    /// The call in progress on the handle.
    var transfer: Transfer?
    /// Where the handle is in the loop's list of running handles, while it runs.
    var runningSlot = 0
    private let headerLines = HeaderLines()
    /// The CURLOPT_HTTPHEADER list last set, which libcurl holds on to.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The loop whose epoll set the sockets of this handle's new connections go into.
    private var loop: UnsafeMutableRawPointer?

    init(_ pointer: UnsafeMutableRawPointer) {
        self.pointer = pointer
    }

    deinit {
        curl_easy_cleanup(pointer)
    }

    /// Readies the handle for `transfer`'s attempt with `timeouts`, run by `loop`, whose
    /// `openSocket` notes a connection's socket and whose `closeSocket` takes a socket out of its
    /// epoll set before libcurl closes it.
    func prepare(for transfer: Transfer, timeouts: TransferTimeouts, loop: UnsafeMutableRawPointer,
                 openSocket: curl_opensocket_callback, closeSocket: curl_closesocket_callback) throws(CurlEasy.OptionError) {
        if loop != self.loop {
            try CurlEasy.routeSockets(of: pointer, opening: openSocket, closing: closeSocket, loop: loop)
            self.loop = loop
        }
        let list = headerLines.list(transfer.request.headers, then: transfer.template.constantHeaders)
        try CurlEasy.prepare(pointer, for: transfer.request, timeouts: timeouts, headers: list, headersChanged: list != headerList)
        headerList = list
        self.transfer = transfer
    }
}
