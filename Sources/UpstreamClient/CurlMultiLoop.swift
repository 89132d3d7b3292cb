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
/// Identical requests in flight at the same time (same URL, GET) are coalesced: the first one
/// goes to the department, the others wait for it and get the same answer, so a burst of
/// clerks asking for one property costs each department one call. A request waits for a call
/// in flight only if that call ends within the request's own timeout; when the call it waited
/// for was cut short by its dossier's deadline, it is made again on its own with the time it
/// has left, so no caller waits past its timeout or inherits another dossier's deadline.
/// Sources with a cache TTL also reuse a recent successful answer.
// @unchecked: `multi`, `idleHandles`, `running`, `joinable`, `cache`, `timerDeadline` and
// `watchedSockets` are used only on the loop thread (libcurl's callbacks run there too, inside
// curl_multi_socket_action); other threads go through `inbox`, a Mutex, and the eventfd, which
// stays open until `deinit`, so a late `submit` or `stop` never writes to a closed descriptor.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let epoll: Int32
    private let wakeup: Int32
    private let inbox = Mutex(Inbox())
    private let finished = Mutex(false)
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private var running: Set<UnsafeMutableRawPointer> = []
    /// The call in flight per URL that identical requests join. A request that cannot wait for it
    /// (it ends after the request's own timeout) starts a call of its own, which is not indexed:
    /// it ends sooner, so fewer requests could wait for it. Once the indexed call ends, the next
    /// call started for the URL is indexed.
    private var joinable: [String: Transfer] = [:]
    private var cache = ResponseCache()
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

    private static let shutDown = TransferResult.failure(.other("the upstream client is shut down"))

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
            for transfer in transfers { transfer.complete(Self.shutDown, .zero) }
        }
    }

    /// Ends the loop after failing what is still running, and waits for it to exit; a second
    /// call only waits.
    func stop() {
        let first = inbox.withLock { inbox in
            defer { inbox.stopping = true }
            return !inbox.stopping
        }
        if first { signalWakeup() }
        while !finished.withLock({ $0 }) { usleep(1000) }
    }

    deinit {
        close(epoll)
        close(wakeup)
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
            if stopping {
                failAll(incoming)
                break
            }
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
        curl_multi_cleanup(multi)
        finished.withLock { $0 = true }
    }

    /// Until libcurl's next timeout, at most a second.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        return remaining <= .zero ? 0 : Int32(min(1000, remaining.wholeMilliseconds + 1))
    }

    /// Takes `transfer` from the inbox: its timeout counts from now, as libcurl's would.
    private func add(_ transfer: Transfer) {
        transfer.deadline = .now + .milliseconds(transfer.request.timeoutMs)
        dispatch(transfer)
    }

    /// Answers `transfer` from the cache, joins it to an identical call in flight that ends
    /// within its timeout, or starts it.
    private func dispatch(_ transfer: Transfer) {
        let url = transfer.request.url
        if transfer.request.cacheTTLMs > 0, transfer.request.body == nil, let cached = cache.answer(for: url) {
            return transfer.complete(cached, transfer.started.duration(to: .now))
        }
        if transfer.request.body == nil, let leader = joinable[url], leader.deadline <= transfer.deadline {
            return leader.followers.append(transfer)
        }
        start(transfer)
    }

    /// Hands `transfer` to libcurl with the time it has left.
    private func start(_ transfer: Transfer) {
        guard let handle = idleHandles.popLast().map({ handle in curl_easy_reset(handle); return handle }) ?? curl_easy_init() else {
            return fail(transfer, "libcurl could not make a transfer handle")
        }
        do {
            try CurlEasy.configure(handle, for: transfer, timeoutMs: transfer.remainingMs())
        } catch {
            recycle(handle)
            return fail(transfer, "libcurl refused the request: \(error.reason)")
        }
        let code = curl_multi_add_handle(multi, handle)
        guard code == CURLM_OK else {
            recycle(handle)
            return fail(transfer, "libcurl could not start the transfer: \(String(cString: curl_multi_strerror(code)))")
        }
        // Released in `finish`: libcurl holds only the raw pointer (CURLOPT_PRIVATE and the callbacks' data).
        _ = Unmanaged.passRetained(transfer)
        running.insert(handle)
        let url = transfer.request.url
        if transfer.request.body == nil, joinable[url] == nil { joinable[url] = transfer }
    }

    /// Fails a transfer that could not be started; nothing has joined it yet.
    private func fail(_ transfer: Transfer, _ reason: String) {
        transfer.complete(.failure(.other(reason)), transfer.started.duration(to: .now))
    }

    /// Keeps `handle` for reuse (it is reset when taken again), up to the limit.
    private func recycle(_ handle: UnsafeMutableRawPointer) {
        if idleHandles.count < Self.idleHandleLimit {
            idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
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

    /// Detaches `handle`, keeps it for reuse, and completes its transfer and those that joined it
    /// with `result`. When the dossier deadline cut the call short, those that joined it and still
    /// have time are made again on their own instead.
    private func finish(_ handle: UnsafeMutableRawPointer, result: (Transfer) -> TransferResult) {
        var context: UnsafeMutableRawPointer?
        _ = eg_curl_easy_getinfo_private(handle, &context)
        curl_multi_remove_handle(multi, handle)
        running.remove(handle)
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeRetainedValue()
        let outcome = result(transfer)
        recycle(handle)
        if joinable[transfer.request.url] === transfer { joinable[transfer.request.url] = nil }
        remember(outcome, of: transfer)
        transfer.complete(outcome, transfer.started.duration(to: .now))
        let followers = transfer.followers
        transfer.followers = []
        let remake = Self.wasCutByDeadline(transfer, outcome)
        let now = ContinuousClock.now
        for follower in followers {
            if remake, follower.deadline >= now + .milliseconds(1) {
                dispatch(follower)
            } else {
                follower.complete(outcome, follower.started.duration(to: now))
            }
        }
    }

    /// A call that timed out because its dossier's deadline, not the source's timeouts, limited
    /// it: its result says nothing about requests with more time. A connect that failed within
    /// the source's own connect timeout, well before the deadline, says the department is
    /// unreachable, and that holds for everyone.
    private static func wasCutByDeadline(_ transfer: Transfer, _ result: TransferResult) -> Bool {
        guard transfer.request.isLimitedByDeadline, case .failure(let failure) = result,
              failure == .timedOut || failure == .connectTimedOut
        else { return false }
        return ContinuousClock.now >= transfer.deadline
    }

    /// Keeps a successful answer when its source caches and the department allows it.
    private func remember(_ result: TransferResult, of transfer: Transfer) {
        guard transfer.request.cacheTTLMs > 0, transfer.request.body == nil, case .response(let status, _) = result, (200...299).contains(status),
              let freshness = CacheControl.freshness(ttl: .milliseconds(transfer.request.cacheTTLMs), header: transfer.cacheControl)
        else { return }
        cache.store(result, for: transfer.request.url, expires: .now + freshness)
    }

    /// Fails what is running (with those that joined it) and `incoming`, the last transfers taken
    /// from the inbox, which nothing can join any more once the loop is stopping.
    private func failAll(_ incoming: [Transfer]) {
        for handle in running {
            finish(handle) { _ in Self.shutDown }
        }
        for transfer in incoming { transfer.complete(Self.shutDown, .zero) }
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
