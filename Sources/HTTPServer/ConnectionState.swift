import CMicroHTTPD
import Glibc
import Synchronization

/// One TCP connection, from MHD's notice that it started to its notice that it closed, and where
/// its current request stands, for the request deadline (`HeaderDeadline`): its line, headers and
/// body must all be read in time.
/// Owned by MHD through the connection's socket context.
final class ConnectionState: Sendable {
    /// The peer's address, as the per-address limit counts it.
    let peer: String
    /// Whether the connection counts towards its peer's limit (a trusted proxy's do not).
    let isCounted: Bool
    /// The connection's socket. It stays open until MHD's close notice has returned, and the
    /// deadline touches it only under `phase`'s lock while the phase is not `closed`, so it never
    /// writes to a descriptor that was closed and reused.
    private let socket: Int32
    private let phase: Mutex<Phase>

    private enum Phase {
        /// The client has been sending a request (its line, headers or body) since `since` (or
        /// connected then).
        case receiving(since: ContinuousClock.Instant)
        /// Between requests since `since`, with nothing of the next one seen yet: the idle timeout's business.
        case idle(since: ContinuousClock.Instant)
        /// The request is read whole (or refused before its body); the handler takes it from here.
        case answering
        /// Closed by the deadline; MHD has yet to notice.
        case timedOut
        /// MHD closed it.
        case closed
    }

    init(peer: String, isCounted: Bool, socket: Int32, now: ContinuousClock.Instant) {
        self.peer = peer
        self.isCounted = isCounted
        self.socket = socket
        phase = Mutex(.receiving(since: now))
    }

    /// The state MHD keeps for `connection`, if its start was noticed.
    static func of(_ connection: OpaquePointer) -> ConnectionState? {
        eg_mhd_socket_context(connection).map { Unmanaged<ConnectionState>.fromOpaque($0).takeUnretainedValue() }
    }

    /// A request's line and headers are complete; its body, if any, is still to come within the
    /// same deadline.
    /// - Returns: `false` when the deadline has closed the connection already (then it must not be answered).
    func headComplete(now: ContinuousClock.Instant) -> Bool {
        phase.withLock { phase in
            switch phase {
            case .receiving, .answering:
                return true
            case .idle:
                // Started on a kept-alive connection since the last sweep: its deadline counts from now.
                phase = .receiving(since: now)
                return true
            case .timedOut:
                return false
            case .closed:
                preconditionFailure("a request's head completed on a closed connection")
            }
        }
    }

    /// The request is read whole, or refused before its body: the handler answers it now.
    /// - Returns: `false` when the deadline has closed the connection already (then it must not be answered).
    func requestRead() -> Bool {
        phase.withLock { phase in
            switch phase {
            case .receiving, .idle, .answering:
                phase = .answering
                return true
            case .timedOut:
                return false
            case .closed:
                preconditionFailure("a request was read on a closed connection")
            }
        }
    }

    /// A request is done (answered, or given up); the next one has not started.
    func requestCompleted(now: ContinuousClock.Instant) {
        phase.withLock { phase in
            if case .timedOut = phase { return }
            if case .closed = phase { return }
            phase = .idle(since: now)
        }
    }

    func closed() {
        phase.withLock { $0 = .closed }
    }

    /// Closes the connection if its request (line, headers or body) is overdue, writing `timeoutResponse`
    /// first (when given: not on TLS, whose stream a plain write would corrupt; nothing has been
    /// answered on it yet); notices a request
    /// that started on an idle connection. The corresponding C functions are `getsockopt(TCP_INFO)`,
    /// `send` and `shutdown`; the shutdown makes MHD see the connection end and close it itself.
    /// - Parameters:
    ///   - idleCheckAfter: connections idle for less than this are not asked (a request started
    ///     since will be noticed at a later sweep, at most this much later).
    func enforceDeadline(now: ContinuousClock.Instant, timeout: Duration, idleCheckAfter: Duration,
                         timeoutResponse: () -> [UInt8]?) {
        phase.withLock { phase in
            switch phase {
            case .receiving(let since) where since.duration(to: now) >= timeout:
                if let response = timeoutResponse() {
                    _ = response.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                }
                Glibc.shutdown(socket, Int32(SHUT_RDWR))
                phase = .timedOut
            case .idle(let since) where since.duration(to: now) >= idleCheckAfter:
                // The kernel counts from its last received data; a margin over its clock's
                // granularity keeps the previous request's last bytes from counting as the next one's.
                let sinceData = eg_tcp_milliseconds_since_data(socket)
                if sinceData >= 0, now - .milliseconds(sinceData) > since + .milliseconds(50) {
                    phase = .receiving(since: now)
                }
            default:
                break
            }
        }
    }
}
