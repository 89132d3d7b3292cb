import CCurl
import Dispatch
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
/// c=4096). Other threads only put transfers into the inbox, and write to an eventfd only when
/// the loop sleeps: an awake loop looks at the inbox before it sleeps again.
///
/// Identical requests in flight at the same time (same URL, GET) are coalesced: the first one
/// goes to the department, the others wait for it and get the same answer, so a burst of
/// clerks asking for one property costs each department one call. A request waits for a call
/// in flight only if that call ends within the request's own time; when the call it waited
/// for was cut short by its dossier's deadline (`TransferTimeouts.cutByDeadline`), it is made
/// again on its own with the time it has left, if that is still worth it
/// (`CallLimits.allowsAttempt`), so no caller waits past its time or inherits another dossier's
/// deadline. Sources with a cache TTL also reuse a recent successful answer.
// @unchecked: `multi`, `running`, `joinable`, `cache`, `timerDeadline` and `sockets` are used only
// on the loop thread (libcurl's callbacks run there too, inside curl_multi_socket_action and
// curl_multi_cleanup); other threads go through `inbox` (a Mutex), the `sleeping` flag and the
// eventfd, which stays open until `deinit`, so a late `submit` or `stop` never writes to a closed
// descriptor.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let wakeup: Int32
    private let inbox = Mutex(Inbox())
    /// Set by the loop before its last look at the inbox ahead of `epoll_wait`, cleared when it
    /// wakes. `submit` writes to the eventfd only when it finds the flag set (and clears it, so
    /// one write serves every submission until the loop wakes).
    private let sleeping = Atomic(false)
    /// Eventfd writes made so far: how often a submission had to wake the loop.
    private let wakeupWrites = Atomic(0)
    /// Times the loop came back from `epoll_wait`.
    private let wakeUps = Atomic(0)
    private let exited = DispatchGroup()
    /// The handles whose transfers libcurl is running; each knows its slot.
    private var running: [EasyHandle] = []
    /// The call in flight per URL that identical requests join. A request that cannot wait for it
    /// (it ends after the request's own end) starts a call of its own, which is not indexed:
    /// it ends sooner, so fewer requests could wait for it. Once the indexed call ends, the next
    /// call started for the URL is indexed.
    private var joinable: [URLKey: Transfer] = [:]
    private var cache = ResponseCache()
    private var timerDeadline: ContinuousClock.Instant?
    private var sockets: EpollRegistrations

    private struct Inbox {
        var transfers: [Transfer] = []
        var stopping = false
    }

    private static let shutDown = TransferResult.failure(.other("the upstream client is shut down"))

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        signal(SIGPIPE, SIG_IGN)
    }()

    /// libcurl's process-wide setup, once, before the first easy or multi handle is made.
    static func initializeLibcurl() {
        _ = globalInit
    }

    /// - Parameter maxCachedConnections: idle keep-alive connections kept for reuse; libcurl's
    ///   default (4 per added handle) would close connections whenever traffic dips.
    init(maxCachedConnections: Int) {
        Self.initializeLibcurl()
        multi = curl_multi_init()
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeup = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epoll >= 0 && wakeup >= 0, "epoll_create1/eventfd failed: \(errno)")
        sockets = EpollRegistrations(epoll: epoll)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data(fd: wakeup))
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
        let context = Unmanaged.passUnretained(self).toOpaque()
        eg_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        eg_curl_multi_setopt_socket_function(multi, Self.watchSocket)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        eg_curl_multi_setopt_timer_function(multi, Self.setTimer)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        exited.enter()
        // The name is set from inside: on Linux a name given before `start` is not applied,
        // and the thread would show its creator's name in `top -H`. Directly, since Foundation's
        // `Thread.current.name` was measured to lose the race with its own start (about half of
        // the runs showed a pool thread's name).
        Thread { [self] in
            _ = eg_name_current_thread("curl-multi")
            run()
            exited.leave()
        }.start()
    }

    /// Hands transfers to the loop; after `stop`, they fail at once.
    func submit(_ transfers: [Transfer]) {
        let accepted = inbox.withLock { inbox in
            guard !inbox.stopping else { return false }
            inbox.transfers += transfers
            return true
        }
        if !accepted {
            for transfer in transfers { transfer.complete(Self.shutDown, timeouts: transfer.timeouts) }
        } else if sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            signalWakeup()
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
        exited.wait()
    }

    /// How often a submission wrote to the eventfd to wake the loop, and how often the loop came
    /// back from waiting, so far: what tests count.
    var wakeCounts: (writes: Int, wakeUps: Int) {
        (wakeupWrites.load(ordering: .relaxed), wakeUps.load(ordering: .relaxed))
    }

    deinit {
        close(sockets.epoll)
        close(wakeup)
    }

    private func signalWakeup() {
        wakeupWrites.add(1, ordering: .relaxed)
        var one: UInt64 = 1
        _ = write(wakeup, &one, 8)
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var stillRunning: Int32 = 0
        while true {
            // Before the last look at the inbox: a submission after it sees the flag and writes.
            sleeping.store(true, ordering: .sequentiallyConsistent)
            let (incoming, stopping) = inbox.withLock { inbox in
                defer { inbox.transfers = [] }
                return (inbox.transfers, inbox.stopping)
            }
            if stopping {
                failAll(incoming)
                break
            }
            // With new transfers the loop stays awake: it only collects what is ready, and looks
            // at the inbox again before it waits.
            if !incoming.isEmpty { sleeping.store(false, ordering: .relaxed) }
            for transfer in incoming { add(transfer) }
            let ready = epoll_wait(sockets.epoll, &events, Int32(events.count), incoming.isEmpty ? waitMilliseconds() : 0)
            sleeping.store(false, ordering: .relaxed)
            wakeUps.add(1, ordering: .relaxed)
            for event in events.prefix(max(0, Int(ready))) {
                if event.data.fd == wakeup {
                    var count: UInt64 = 0
                    _ = read(wakeup, &count, 8)
                    continue
                }
                guard sockets.isWatched(event.data.fd) else { continue }
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
    }

    /// Until libcurl's next timeout, at most a second.
    private func waitMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        return remaining <= .zero ? 0 : Int32(min(1000, remaining.wholeMilliseconds + 1))
    }

    /// Takes `transfer` from the inbox: its time counts from now, as libcurl's would.
    private func add(_ transfer: Transfer) {
        transfer.limits = transfer.request.limits(from: .now)
        dispatch(transfer)
    }

    /// Answers `transfer` from the cache, joins it to an identical call in flight that ends
    /// within its time, or starts it.
    private func dispatch(_ transfer: Transfer) {
        guard transfer.request.body == nil else { return start(transfer, joinable: false) }
        if transfer.request.cacheTTLMs > 0, let cached = cache.answer(for: transfer.request.url) {
            return transfer.complete(cached, timeouts: transfer.limits.timeouts(at: .now))
        }
        guard let leader = joinable[transfer.key] else { return start(transfer, joinable: true) }
        if leader.limits.end <= transfer.limits.end {
            leader.followers.append(transfer)
        } else {
            start(transfer, joinable: false)
        }
    }

    /// Hands `transfer` to libcurl with the time it has left; when `joinable`, identical calls
    /// may join it.
    private func start(_ transfer: Transfer, joinable indexed: Bool) {
        let timeouts = transfer.limits.timeouts(at: .now)
        transfer.timeouts = timeouts
        let handle: EasyHandle
        do {
            handle = try transfer.template.takeHandle()
            // A handle that could not be readied is not kept: its options are half set.
            try handle.prepare(for: transfer, timeouts: timeouts, loop: Unmanaged.passUnretained(self).toOpaque(),
                               closeSocket: Self.closeSocket)
        } catch {
            return fail(transfer, "libcurl refused the request: \(error.reason)")
        }
        let code = curl_multi_add_handle(multi, handle.pointer)
        guard code == CURLM_OK else {
            handle.transfer = nil
            transfer.template.recycle(handle, after: transfer.request)
            return fail(transfer, "libcurl could not start the transfer: \(String(cString: curl_multi_strerror(code)))")
        }
        handle.runningSlot = running.count
        running.append(handle)
        if indexed {
            joinable[transfer.key] = transfer
            transfer.isJoinable = true
        }
    }

    /// Fails a transfer that could not be started; nothing has joined it yet.
    private func fail(_ transfer: Transfer, _ reason: String) {
        transfer.complete(.failure(.other(reason)), timeouts: transfer.timeouts)
    }

    private func completeFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let pointer = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var context: UnsafeMutableRawPointer?
            _ = eg_curl_easy_getinfo_private(pointer, &context)
            let handle = Unmanaged<EasyHandle>.fromOpaque(context!).takeUnretainedValue()
            finish(handle) { transfer in CurlEasy.result(of: pointer, code: code, transfer: transfer) }
        }
    }

    /// Detaches `handle`, keeps it for reuse, and completes its transfer and those that joined it
    /// with `result`. When the dossier deadline cut the call short, those that joined it and still
    /// have time are made again on their own instead.
    private func finish(_ handle: EasyHandle, result: (Transfer) -> TransferResult) {
        curl_multi_remove_handle(multi, handle.pointer)
        let last = running.removeLast()
        if last !== handle {
            running[handle.runningSlot] = last
            last.runningSlot = handle.runningSlot
        }
        let transfer = handle.transfer!
        let outcome = result(transfer)
        handle.transfer = nil
        transfer.template.recycle(handle, after: transfer.request)
        if transfer.isJoinable { joinable[transfer.key] = nil }
        remember(outcome, of: transfer)
        let now = ContinuousClock.now
        transfer.complete(outcome, timeouts: transfer.timeouts, at: now)
        guard !transfer.followers.isEmpty else { return }
        let followers = transfer.followers
        transfer.followers = []
        let remake = if case .failure(let failure) = outcome { transfer.timeouts.cutByDeadline(failure) } else { false }
        for follower in followers {
            if remake, follower.limits.allowsAttempt(at: now) {
                dispatch(follower)
            } else {
                follower.complete(outcome, timeouts: transfer.timeouts, at: now)
            }
        }
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
        while let handle = running.last {
            finish(handle) { _ in Self.shutDown }
        }
        for transfer in incoming { transfer.complete(Self.shutDown, timeouts: transfer.timeouts) }
    }

    /// CURLMOPT_SOCKETFUNCTION: keeps the epoll set in step with the sockets libcurl watches.
    private static let watchSocket: curl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        if what == CURL_POLL_REMOVE {
            loop.sockets.unwatch(socket)
            return 0
        }
        var interest: UInt32 = 0
        if what & CURL_POLL_IN != 0 { interest |= EPOLLIN.rawValue }
        if what & CURL_POLL_OUT != 0 { interest |= EPOLLOUT.rawValue }
        loop.sockets.watch(socket, events: interest)
        return 0
    }

    /// CURLOPT_CLOSESOCKETFUNCTION, set on every handle: a socket leaves the epoll set before
    /// libcurl's close, while its number still names it.
    private static let closeSocket: curl_closesocket_callback = { context, socket in
        if let context {
            Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue().sockets.drop(socket)
        }
        return close(socket)
    }

    /// CURLMOPT_TIMERFUNCTION: when libcurl next wants to be called without socket activity.
    private static let setTimer: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return 0 }
        let loop = Unmanaged<CurlMultiLoop>.fromOpaque(context).takeUnretainedValue()
        loop.timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
        return 0
    }
}
