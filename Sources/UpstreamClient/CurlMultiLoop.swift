import CCurl
import Foundation
import GatewayCore
import Synchronization

/// The one thread that drives every upstream transfer through a single curl multi handle,
/// so all sources share its connection cache and no thread waits per request.
///
/// Other threads only add transfers to the inbox and call `curl_multi_wakeup`, the one
/// multi call libcurl allows from any thread.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked: `multi`, `idleHandles` and `running` are used only on the loop thread
    // (and by `init` before it starts); other threads go through `inbox`, a Mutex.
    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let finished = Mutex(false)
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var running: Set<UnsafeMutableRawPointer> = []

    private struct Inbox {
        var transfers: [Transfer] = []
        var stopping = false
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        signal(SIGPIPE, SIG_IGN)
    }()

    /// - Parameter maxCachedConnections: idle keep-alive connections kept for reuse; libcurl's
    ///   default (4 per added handle) would close connections whenever traffic dips.
    init(maxCachedConnections: Int) {
        _ = Self.globalInit
        multi = curl_multi_init()
        eg_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    /// Hands a transfer to the loop; after `stop`, it fails at once.
    func submit(_ transfer: Transfer) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.transfers.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
        } else {
            transfer.continuation.resume(returning: .failure(.other("the upstream client is shut down")))
        }
    }

    /// Ends the loop after failing what is still running, and waits for it to exit.
    func stop() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
        while !finished.withLock({ $0 }) { usleep(1000) }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (incoming, stopping) = inbox.withLock { inbox in
                defer { inbox.transfers = [] }
                return (inbox.transfers, inbox.stopping)
            }
            if stopping { break }
            for transfer in incoming { add(transfer) }
            curl_multi_perform(multi, &running)
            completeFinishedTransfers()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        failAll()
        curl_multi_cleanup(multi)
        finished.withLock { $0 = true }
    }

    private func add(_ transfer: Transfer) {
        let handle = idleHandles.popLast().map { handle in curl_easy_reset(handle); return handle } ?? curl_easy_init()!
        _ = Unmanaged.passRetained(transfer)
        CurlEasy.configure(handle, for: transfer)
        running.insert(handle)
        curl_multi_add_handle(multi, handle)
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            finish(handle) { transfer in CurlEasy.result(of: handle, code: code, transfer: transfer) }
        }
    }

    /// Detaches `handle`, keeps it for reuse, and resumes its waiter with `result`.
    private func finish(_ handle: UnsafeMutableRawPointer, result: (Transfer) -> TransferResult) {
        var context: UnsafeMutableRawPointer?
        _ = eg_curl_easy_getinfo_private(handle, &context)
        curl_multi_remove_handle(multi, handle)
        running.remove(handle)
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeRetainedValue()
        let outcome = result(transfer)
        idleHandles.append(handle)
        transfer.continuation.resume(returning: outcome)
    }

    private func failAll() {
        for handle in running {
            finish(handle) { _ in .failure(.other("the upstream client is shut down")) }
        }
        for transfer in inbox.withLock({ $0.transfers }) {
            transfer.continuation.resume(returning: .failure(.other("the upstream client is shut down")))
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
    }
}
