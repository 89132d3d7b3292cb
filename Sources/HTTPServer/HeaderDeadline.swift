import Synchronization

/// Closes connections whose request (line, headers and body) is not read whole within `timeout` of
/// the request's start (its connection's accept, or its first bytes after the previous request),
/// however slowly it trickles: libmicrohttpd's own timeout only ends a connection that is silent
/// that long, so one header line (or body byte) every few seconds would hold a connection, and a
/// thousand of them an address's every slot. A request that would be answered is answered
/// `timeoutResponse` (`408`) first.
///
/// One sweeper task looks at every connection every `interval` (a tenth of the timeout, 0.1–1 s),
/// so a connection is closed at most that much after its deadline. Connections idle between
/// requests are asked whether the next one started (the kernel knows when data last arrived); the
/// idle timeout, not this deadline, ends a connection on which nothing arrives.
final class HeaderDeadline: Sendable {
    let timeout: Duration
    let interval: Duration
    /// The bytes of the `408` answer, or `nil` where nothing may be written (TLS).
    private let timeoutResponse: @Sendable () -> [UInt8]?
    private let connections = Mutex<[ObjectIdentifier: ConnectionState]>([:])
    private let sweeper = Mutex<Task<Void, Never>?>(nil)

    init(timeout: Duration, timeoutResponse: @escaping @Sendable () -> [UInt8]?) {
        self.timeout = timeout
        interval = min(.seconds(1), max(.milliseconds(100), timeout / 10))
        self.timeoutResponse = timeoutResponse
    }

    func watch(_ connection: ConnectionState) {
        connections.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func forget(_ connection: ConnectionState) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Starts the sweeper; `stop` ends it.
    func start() {
        let task = Task { [self] in
            while (try? await Task.sleep(for: interval)) != nil {
                sweep(now: .now)
            }
        }
        sweeper.withLock { $0 = task }
    }

    func stop() {
        sweeper.withLock { $0?.cancel() }
    }

    private func sweep(now: ContinuousClock.Instant) {
        let watched = connections.withLock { Array($0.values) }
        for connection in watched {
            connection.enforceDeadline(now: now, timeout: timeout, idleCheckAfter: interval, timeoutResponse: timeoutResponse)
        }
    }
}
