import CCurl
import Foundation
import GatewayCore
import Glibc
import Synchronization

/// The one thread that drives every upstream transfer through a single curl multi handle,
/// so all sources share its connection cache and no thread waits per request.
///
/// It uses libcurl's socket interface on its own epoll set: libcurl says which sockets to
/// watch and when its next timeout is, and only sockets that are ready are handed back, so
/// the cost of a wake-up does not grow with the number of transfers in flight (thousands at
/// c=4096). Other threads only put transfers into the inbox and write to an eventfd.
///
/// Identical requests in flight at the same time (same URL) are coalesced: the first one
/// goes to the department, the others wait for it and get the same answer, so a burst of
/// clerks asking for one property costs each department one call. Sources with a cache TTL
/// also reuse a recent successful answer.
// @unchecked: `multi`, `idleHandles`, `running`, `followers`, `cache`, `timerDeadline` and
// `watchedSockets` are used only on the loop thread (libcurl's callbacks run there too, inside
// curl_multi_socket_action); other threads go through `inbox`, a Mutex, and the eventfd.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let epoll: Int32
    private let wakeup: Int32
    private let inbox = Mutex(Inbox())
    private let finished = Mutex(false)
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var running: Set<UnsafeMutableRawPointer> = []
    /// Transfers waiting for an identical one in flight, by URL.
    private var followers: [String: [Transfer]] = [:]
    /// Recent successful answers of sources that allow caching, by URL.
    private var cache: [String: (result: TransferResult, expires: ContinuousClock.Instant)] = [:]
    private static let cacheLimit = 10_000
    /// Easy handles kept for reuse; beyond this a burst's handles are freed, so memory falls
    /// back after thousands of transfers were in flight at once.
    private static let idleHandleLimit = 512
    private var timerDeadline: ContinuousClock.Instant?
    /// Sockets in the epoll set, so that each change is one `epoll_ctl` (libcurl removes a
    /// connection's socket when its transfer ends and adds it again when the connection is reused).
    private var watchedSockets: Set<Int32> = []

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
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epoll >= 0 && wakeup >= 0, "epoll_create1/eventfd failed: \(errno)")
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data(fd: wakeup))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        let context = Unmanaged.passUnretained(self).toOpaque()
        eg_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        eg_curl_multi_setopt_socket_function(multi, Self.watchSocket)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        eg_curl_multi_setopt_timer_function(multi, Self.setTimer)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        // The name is set from inside: on Linux a name given before `start` is not applied,
        // and the thread would show its creator's name in `top -H`.
        Thread { [self] in
            Thread.current.name = "curl-multi"
            run()
        }.start()
    }

    /// Hands transfers to the loop; after `stop`, they fail at once.
    func submit(_ transfers: [Transfer]) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.transfers += transfers
            return true
        }
        if accepted {
            signalWakeup()
        } else {
            for transfer in transfers { transfer.complete(.failure(.other("the upstream client is shut down")), .zero) }
        }
    }

    /// Ends the loop after failing what is still running, and waits for it to exit.
    func stop() {
        inbox.withLock { $0.stopping = true }
        signalWakeup()
        while !finished.withLock({ $0 }) { usleep(1000) }
    }

    private func signalWakeup() {
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var stillRunning: Int32 = 0
        while true {
            let (incoming, stopping) = inbox.withLock { inbox in
                defer { inbox.transfers = [] }
                return (inbox.transfers, inbox.stopping)
            }
            if stopping { break }
            for transfer in incoming { add(transfer) }
            let ready = epoll_wait(epoll, &events, Int32(events.count), waitMilliseconds())
            for event in events.prefix(max(0, Int(ready))) {
                if event.data.fd == wakeup {
                    var count: UInt64 = 0
                    _ = read(wakeup, &count, 8)
                    continue
                }
                var flags: Int32 = 0
                if event.events & EPOLLIN.rawValue != 0 { flags |= CURL_CSELECT_IN }
                if event.events & EPOLLOUT.rawValue != 0 { flags |= CURL_CSELECT_OUT }
                if event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= CURL_CSELECT_ERR }
                curl_multi_socket_action(multi, event.data.fd, flags, &stillRunning)
            }
            if let deadline = timerDeadline, deadline <= .now {
                timerDeadline = nil
                curl_multi_socket_action(multi, eg_curl_socket_timeout(), 0, &stillRunning)
            }
            completeFinishedTransfers()
        }
        failAll()
        curl_multi_cleanup(multi)
        close(epoll)
        close(wakeup)
        finished.withLock { $0 = true }
    }

    /// Until libcurl's next timeout, at most a second.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        return remaining <= .zero ? 0 : Int32(min(1000, remaining.wholeMilliseconds + 1))
    }

    private func add(_ transfer: Transfer) {
        if transfer.request.cacheTTLMs > 0, let cached = cache[transfer.request.url] {
            if cached.expires > .now {
                transfer.complete(cached.result, .zero)
                return
            }
            cache[transfer.request.url] = nil
        }
        if followers[transfer.request.url] != nil {
            followers[transfer.request.url]?.append(transfer)
            return
        }
        followers[transfer.request.url] = []
        guard let handle = idleHandles.popLast().map({ handle in curl_easy_reset(handle); return handle }) ?? curl_easy_init() else {
            return fail(transfer, "libcurl could not make a transfer handle")
        }
        do {
            try CurlEasy.configure(handle, for: transfer)
        } catch {
            curl_easy_cleanup(handle)
            return fail(transfer, "libcurl refused the request: \(error.reason)")
        }
        _ = Unmanaged.passRetained(transfer)
        running.insert(handle)
        curl_multi_add_handle(multi, handle)
    }

    /// Fails `transfer` and everything coalesced onto it.
    private func fail(_ transfer: Transfer, _ reason: String) {
        transfer.complete(.failure(.other(reason)), transfer.started.duration(to: .now))
        for follower in followers.removeValue(forKey: transfer.request.url) ?? [] {
            follower.complete(.failure(.other(reason)), follower.started.duration(to: .now))
        }
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            finish(handle) { transfer in CurlEasy.result(of: handle, code: code, transfer: transfer) }
        }
    }

    /// Detaches `handle`, keeps it for reuse, and completes its transfer with `result`.
    private func finish(_ handle: UnsafeMutableRawPointer, result: (Transfer) -> TransferResult) {
        var context: UnsafeMutableRawPointer?
        _ = eg_curl_easy_getinfo_private(handle, &context)
        curl_multi_remove_handle(multi, handle)
        running.remove(handle)
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeRetainedValue()
        let outcome = result(transfer)
        if idleHandles.count < Self.idleHandleLimit {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
        remember(outcome, of: transfer)
        transfer.complete(outcome, transfer.started.duration(to: .now))
        for follower in followers.removeValue(forKey: transfer.request.url) ?? [] {
            follower.complete(outcome, follower.started.duration(to: .now))
        }
    }

    /// Keeps a successful answer when its source caches and the department allows it.
    private func remember(_ result: TransferResult, of transfer: Transfer) {
        guard transfer.request.cacheTTLMs > 0, case .response(let status, _) = result, (200...299).contains(status),
              let freshness = CacheControl.freshness(ttl: .milliseconds(transfer.request.cacheTTLMs), header: transfer.cacheControl)
        else { return }
        if cache.count >= Self.cacheLimit {
            let now = ContinuousClock.now
            cache = cache.filter { $0.value.expires > now }
            if cache.count >= Self.cacheLimit { cache.removeAll() }
        }
        cache[transfer.request.url] = (result, .now + freshness)
    }

    private func failAll() {
        for handle in running {
            finish(handle) { _ in .failure(.other("the upstream client is shut down")) }
        }
        for transfer in inbox.withLock({ $0.transfers }) {
            transfer.complete(.failure(.other("the upstream client is shut down")), .zero)
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        idleHandles = []
    }

    /// CURLMOPT_SOCKETFUNCTION: keeps the epoll set in step with the sockets libcurl watches.
    private static let watchSocket: curl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        if what == CURL_POLL_REMOVE {
            if loop.watchedSockets.remove(socket) != nil { epoll_ctl(loop.epoll, EPOLL_CTL_DEL, socket, nil) }
            return 0
        }
        var interest: UInt32 = 0
        if what & CURL_POLL_IN != 0 { interest |= EPOLLIN.rawValue }
        if what & CURL_POLL_OUT != 0 { interest |= EPOLLOUT.rawValue }
        var event = epoll_event(events: interest, data: epoll_data(fd: socket))
        if loop.watchedSockets.insert(socket).inserted {
            epoll_ctl(loop.epoll, EPOLL_CTL_ADD, socket, &event)
        } else if epoll_ctl(loop.epoll, EPOLL_CTL_MOD, socket, &event) != 0, errno == ENOENT {
            // Closed and reused as a number without a REMOVE first: watch it anew.
            epoll_ctl(loop.epoll, EPOLL_CTL_ADD, socket, &event)
        }
        return 0
    }

    /// CURLMOPT_TIMERFUNCTION: when libcurl next wants to be called without socket activity.
    private static let setTimer: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        loop.timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
        return 0
    }
}
