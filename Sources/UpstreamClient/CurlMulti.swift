import CCurl
import CLinux
import EventLoop
import GatewayCore
import Glibc

/// One event loop's libcurl multi handle: it drives the upstream transfers started on that loop,
/// so a request's task, its transfers and their completions share one thread and no thread waits
/// per request.
///
/// It uses libcurl's socket interface in the loop's epoll set: libcurl says which sockets to watch
/// and when its next timeout is, and only sockets that are ready are handed back, so the cost of a
/// turn does not grow with the number of transfers in flight (thousands at c=4096). A transfer
/// started on the loop's own thread goes straight into the list the next turn adds to libcurl (no
/// lock, no eventfd); one from another thread comes through the loop's queue (`UpstreamClient`).
///
/// Identical GETs in flight at the same time are coalesced across loops (`SharedCalls`): when the
/// call they waited for was cut short by its dossier's deadline
/// (`TransferTimeouts.cutByDeadline`), each is made again on its own with the time it has left, if
/// that is still worth it (`CallLimits.allowsAttempt`), so no caller waits past its time or
/// inherits another dossier's deadline.
// @unchecked: everything mutable (`pending`, `running`, `timerDeadline`, `sockets`, `performed`,
// `stopped`) and the multi handle are used only on `loop`'s thread, which every entry checks in
// debug builds; libcurl's callbacks run there too, inside curl_multi_socket_action and
// curl_multi_cleanup.
final class CurlMulti: EventLoopHandler, @unchecked Sendable {
    let loop: EventLoop
    private let multi: UnsafeMutableRawPointer
    private let shared: SharedCalls
    private var sockets: EpollRegistrations?
    /// Transfers handed to this multi since the last turn.
    private var pending: [Transfer] = []
    /// The handles whose transfers libcurl is running; each knows its slot.
    private var running: [EasyHandle] = []
    private var timerDeadline: ContinuousClock.Instant?
    /// libcurl acted since finished transfers were last collected.
    private var performed = false
    private var stopped = false

    static let shutDown = TransferResult.failure(.other("the upstream client is shut down"))

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        signal(SIGPIPE, SIG_IGN)
    }()

    /// libcurl's process-wide setup, once, before the first easy or multi handle is made.
    static func initializeLibcurl() {
        _ = globalInit
    }

    /// A multi handle for `loop`; `start` adds it to the loop's turns.
    /// - Parameter maxCachedConnections: idle keep-alive connections kept for reuse; libcurl's
    ///   default (4 per added handle) would close connections whenever traffic dips.
    init(loop: EventLoop, shared: SharedCalls, maxCachedConnections: Int) {
        Self.initializeLibcurl()
        self.loop = loop
        self.shared = shared
        multi = curl_multi_init()
        let context = Unmanaged.passUnretained(self).toOpaque()
        eg_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections)
        eg_curl_multi_setopt_socket_function(multi, Self.watchSocket)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        eg_curl_multi_setopt_timer_function(multi, Self.setTimer)
        eg_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
    }

    /// Joins the loop's turns; on the loop's thread.
    func start() {
        sockets = EpollRegistrations(epollSet: loop.register(self))
    }

    /// Takes transfers to start at the loop's next turn; after `stop`, they fail at once. On the
    /// loop's thread.
    func submit(_ transfers: [Transfer]) {
        loop.assertInEventLoop()
        guard !stopped else {
            for transfer in transfers { transfer.complete(Self.shutDown, timeouts: transfer.timeouts) }
            return
        }
        for transfer in transfers { transfer.home = self }
        pending += transfers
    }

    /// Fails what is running (with those that joined it) and what was handed over since the last
    /// turn, leaves the loop and frees the multi handle. On the loop's thread; once.
    func stop() {
        loop.assertInEventLoop()
        precondition(!stopped, "CurlMulti.stop() twice")
        stopped = true
        while let handle = running.last {
            finish(handle) { _ in Self.shutDown }
        }
        let incoming = pending
        pending = []
        for transfer in incoming { transfer.complete(Self.shutDown, timeouts: transfer.timeouts) }
        curl_multi_cleanup(multi)
        if let sockets { loop.unregister(sockets.epollSet) }
    }

    // MARK: EventLoopHandler

    func descriptorReady(_ fd: Int32, events: UInt32) {
        loop.assertInEventLoop()
        guard sockets!.isWatched(fd) else { return }
        var flags: Int32 = 0
        if events & EPOLLIN.rawValue != 0 { flags |= CURL_CSELECT_IN }
        if events & EPOLLOUT.rawValue != 0 { flags |= CURL_CSELECT_OUT }
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= CURL_CSELECT_ERR }
        var stillRunning: Int32 = 0
        curl_multi_socket_action(multi, fd, flags, &stillRunning)
        performed = true
    }

    func runDue(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        loop.assertInEventLoop()
        guard !stopped else { return nil }
        if !pending.isEmpty {
            let incoming = pending
            pending = []
            for transfer in incoming { add(transfer, now: now) }
        }
        if let deadline = timerDeadline, deadline <= now {
            timerDeadline = nil
            var stillRunning: Int32 = 0
            curl_multi_socket_action(multi, eg_curl_socket_timeout(), 0, &stillRunning)
            performed = true
        }
        if performed {
            performed = false
            completeFinishedTransfers()
        }
        // Completions may have started more (a chain of calls, followers made again): at once.
        return pending.isEmpty ? timerDeadline : now
    }

    // MARK: Transfers

    /// Takes `transfer` in: its time counts from now, as libcurl's would.
    private func add(_ transfer: Transfer, now: ContinuousClock.Instant) {
        transfer.limits = transfer.request.limits(from: now)
        dispatch(transfer, now: now)
    }

    /// Answers `transfer` from the cache, joins it to an identical call in flight that ends
    /// within its time, or starts it.
    private func dispatch(_ transfer: Transfer, now: ContinuousClock.Instant) {
        guard transfer.request.body == nil else { return start(transfer, now: now) }
        switch shared.dispatch(transfer, now: now) {
        case .answered(let cached): transfer.complete(cached, timeouts: transfer.limits.timeouts(at: now))
        case .joined: break
        case .leads, .alone: start(transfer, now: now)
        }
    }

    /// Hands `transfer` to libcurl with the time it has left.
    private func start(_ transfer: Transfer, now: ContinuousClock.Instant) {
        let timeouts = transfer.limits.timeouts(at: now)
        transfer.timeouts = timeouts
        let handle: EasyHandle
        do {
            handle = try transfer.template.takeHandle()
            // A handle that could not be readied is not kept: its options are half set.
            try handle.prepare(for: transfer, timeouts: timeouts, loop: Unmanaged.passUnretained(self).toOpaque(),
                               openSocket: Self.openSocket, closeSocket: Self.closeSocket)
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
    }

    /// Fails a transfer that could not be started (those that joined it get the same).
    private func fail(_ transfer: Transfer, _ reason: String) {
        let failure = TransferResult.failure(.other(reason))
        let now = ContinuousClock.now
        transfer.complete(failure, timeouts: transfer.timeouts, at: now)
        settle(shared.finish(transfer, with: failure, now: now), after: transfer, with: failure, at: now)
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
    /// with `result`.
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
        let now = ContinuousClock.now
        let followers = shared.finish(transfer, with: outcome, now: now)
        transfer.complete(outcome, timeouts: transfer.timeouts, at: now)
        settle(followers, after: transfer, with: outcome, at: now)
    }

    /// Completes the calls that joined `leader` with its `outcome`, each on its own loop. When the
    /// dossier deadline cut the call short, those that still have time are made again on their own
    /// instead.
    private func settle(_ followers: [Transfer], after leader: Transfer, with outcome: TransferResult, at now: ContinuousClock.Instant) {
        guard !followers.isEmpty else { return }
        let remake = if case .failure(let failure) = outcome { leader.timeouts.cutByDeadline(failure) } else { false }
        let timeouts = leader.timeouts
        for follower in followers {
            let home = follower.home!
            let settleOne: @Sendable () -> Void = {
                if remake, !home.stopped, follower.limits.allowsAttempt(at: now) {
                    home.dispatch(follower, now: .now)
                } else {
                    follower.complete(outcome, timeouts: timeouts, at: now)
                }
            }
            if home === self {
                settleOne()
            } else if !home.loop.execute(settleOne) {
                follower.complete(Self.shutDown, timeouts: timeouts, at: now)
            }
        }
    }

    // MARK: libcurl's callbacks

    /// CURLMOPT_SOCKETFUNCTION: keeps the epoll set in step with the sockets libcurl watches.
    private static let watchSocket: curl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return 0 }
        let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
        if what == CURL_POLL_REMOVE {
            multi.sockets?.unwatch(socket)
            return 0
        }
        var interest: UInt32 = 0
        if what & CURL_POLL_IN != 0 { interest |= EPOLLIN.rawValue }
        if what & CURL_POLL_OUT != 0 { interest |= EPOLLOUT.rawValue }
        multi.sockets?.watch(socket, events: interest)
        return 0
    }

    /// CURLOPT_OPENSOCKETFUNCTION, set on every handle: opens a connection's socket as libcurl
    /// would, and notes it as one that libcurl closes through `closeSocket` (its registration may
    /// outlive watching, see `EpollRegistrations`).
    private static let openSocket: curl_opensocket_callback = { context, _, address in
        guard let address else { return CURL_SOCKET_BAD }
        let socket = Glibc.socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
        if socket >= 0, let context {
            Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue().sockets?.opened(socket)
        }
        return socket
    }

    /// CURLOPT_CLOSESOCKETFUNCTION, set on every handle: a socket leaves the epoll set before
    /// libcurl's close, while its number still names it.
    private static let closeSocket: curl_closesocket_callback = { context, socket in
        if let context {
            Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue().sockets?.drop(socket)
        }
        return close(socket)
    }

    /// CURLMOPT_TIMERFUNCTION: when libcurl next wants to be called without socket activity.
    private static let setTimer: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return 0 }
        let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
        multi.timerDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
        return 0
    }
}
