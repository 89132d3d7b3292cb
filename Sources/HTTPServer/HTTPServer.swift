import CMicroHTTPD
import EventLoop
import Glibc
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd whose requests are answered by a handler on the event loop
/// that read them.
///
/// Each event loop drives a daemon of its own (`LoopDaemon`): no MHD thread, its epoll set in the
/// loop's, all listening on the one port (SO_REUSEPORT: the kernel spreads new connections over
/// them). A request's handler runs on the loop; one that cannot answer at once leaves its
/// connection suspended, so a request waiting on departments holds no thread, and its task runs on
/// the same loop; the reply is queued when MHD calls back after the resume.
///
/// In front of the handler, in pieces of their own: the request's head is read and its framing
/// judged before any body is (`RequestHead`, `RequestFraming`, `RequestTarget`, `HeaderBlock`); a
/// head that does not arrive in time closes its connection (`HeaderDeadline`); and each peer
/// address holds a bounded number of connections (`AddressLimit`).
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// `0` picks a free port; `port` on the server tells which.
        public var port: Int
        /// Event loops, when the server starts its own; `0` means one per core, but at least 2.
        public var threads: Int
        public var connectionLimit: Int
        /// Connections per peer address; past its limit a new connection from that address is
        /// closed right after it is accepted. The handler may count requests in it too.
        public var connectionsPerAddress: AddressLimit
        /// Peers whose connections `connectionsPerAddress` does not count: front proxies, whose
        /// connections carry many clients' requests.
        public var isUncountedPeer: @Sendable (String) -> Bool
        /// Idle connections (between requests, or silent) are closed after this.
        public var connectionTimeoutSeconds: Int
        /// A request (line, headers and body) must be read whole this long after it started, however
        /// it trickles; `0` sets no deadline. See `HeaderDeadline`.
        public var headerTimeoutSeconds: Int
        /// The headers and body of the `408` a request gets when it is overdue (not sent on TLS).
        public var headerTimeoutResponse: @Sendable () -> HTTPResponse
        /// Request line, headers and buffers of one connection; larger headers get 431. 8 KiB
        /// is ample for any client of this API (a request target is at most 2 KiB, the headers
        /// it needs well under 1 KiB) and keeps 4,096 connections at about 32 MB.
        public var connectionMemoryLimit: Int
        public var maxBodyBytes: Int
        /// Serve HTTPS with this certificate and key; `nil` serves plain HTTP.
        public var tls: TLS?
        /// The answer to requests that arrive once shutdown has stopped waiting for handlers
        /// (and to those whose handler it gave up on). It runs on the event loops, so it must be
        /// quick, and should close the connection.
        public var refusal: @Sendable (HTTPRequest) -> HTTPResponse

        public init(host: String = "127.0.0.1", port: Int = 0, threads: Int = 0, connectionLimit: Int = 10000,
                    connectionsPerAddress: AddressLimit = AddressLimit(limit: 0),
                    isUncountedPeer: @escaping @Sendable (String) -> Bool = { _ in false },
                    connectionTimeoutSeconds: Int = 30, headerTimeoutSeconds: Int = 0,
                    headerTimeoutResponse: @escaping @Sendable () -> HTTPResponse = { HTTPResponse(status: 408) },
                    connectionMemoryLimit: Int = 8 * 1024, maxBodyBytes: Int = 65536, tls: TLS? = nil,
                    refusal: @escaping @Sendable (HTTPRequest) -> HTTPResponse = { _ in HTTPServer.stoppingResponse }) {
            self.host = host
            self.port = port
            self.threads = threads
            self.connectionLimit = connectionLimit
            self.connectionsPerAddress = connectionsPerAddress
            self.isUncountedPeer = isUncountedPeer
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.headerTimeoutSeconds = headerTimeoutSeconds
            self.headerTimeoutResponse = headerTimeoutResponse
            self.connectionMemoryLimit = connectionMemoryLimit
            self.maxBodyBytes = maxBodyBytes
            self.tls = tls
            self.refusal = refusal
        }
    }

    /// Fails as `init` would on the address alone: not an IPv4 address, a port in use, or an address
    /// this machine cannot bind. Nothing is left bound.
    public static func checkListenable(host: String, port: Int) throws(HTTPServerError) {
        try ListenAddress(host: host, port: port).checkBindable()
    }

    /// The default `refusal`: 503, closing the connection.
    public static let stoppingResponse = HTTPResponse(status: 503, headers: [("Connection", "close")])

    /// PEM certificate chain and key, and the GnuTLS priority string that picks protocol versions.
    public struct TLS: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
        public var priorities: String

        /// TLS 1.3 only, or TLS 1.2 and 1.3.
        public init(certificatePEM: String, privateKeyPEM: String, allowTLS12: Bool = false) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
            priorities = allowTLS12 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3"
        }
    }

    /// The port the server listens on.
    public let port: Int
    private let loops: EventLoopGroup
    /// Whether the server started `loops` and stops them with itself.
    private let ownsLoops: Bool
    private let daemons: [LoopDaemon]
    private let context: ServerContext
    private let shutdownStarted = Atomic(false)

    /// A server whose requests are each answered by `handler` in a task on the loop that read them.
    /// - Parameter loops: the event loops to run on; `nil` starts `configuration.threads` of its own.
    public convenience init(configuration: Configuration, loops: EventLoopGroup? = nil, handler: @escaping HTTPHandler) throws(HTTPServerError) {
        try self.init(configuration: configuration, loops: loops) { request, exchange in
            exchange.run { await handler(request) }
        }
    }

    /// A server whose requests are handed to `handler` on the loop that read them (see `HTTPExchange`).
    /// - Parameter loops: the event loops to run on; `nil` starts `configuration.threads` of its own.
    public init(configuration: Configuration, loops: EventLoopGroup? = nil,
                exchangeHandler handler: @escaping HTTPExchangeHandler) throws(HTTPServerError) {
        let headerDeadline = configuration.headerTimeoutSeconds > 0 ? HeaderDeadline(
            timeout: .seconds(configuration.headerTimeoutSeconds),
            timeoutResponse: { [isTLS = configuration.tls != nil, answer = configuration.headerTimeoutResponse] in
                isTLS ? nil : answer().requestTimeoutBytes()
            }) : nil
        let context = ServerContext(handler: handler, refusal: configuration.refusal, maxBodyBytes: configuration.maxBodyBytes,
                                    connectionsPerAddress: configuration.connectionsPerAddress,
                                    isUncountedPeer: configuration.isUncountedPeer, headerDeadline: headerDeadline)
        let group = loops ?? EventLoopGroup(loops: configuration.threads, name: "http")
        let daemons: [LoopDaemon]
        do {
            daemons = try Self.startDaemons(configuration, on: group, context: context)
        } catch {
            if loops == nil { group.shutdown() }
            throw error
        }
        for daemon in daemons {
            daemon.loop.executeAndWait { daemon.start() }
        }
        self.loops = group
        ownsLoops = loops == nil
        self.daemons = daemons
        self.context = context
        port = daemons[0].boundPort
        headerDeadline?.start()
    }

    /// One daemon per loop, all on the configured address (the first one picks the port when it
    /// is 0, the others take the same), sharing out the connection limit as MHD's thread pool did.
    /// A daemon that fails stops those started before it.
    private static func startDaemons(_ configuration: Configuration, on group: EventLoopGroup,
                                     context: ServerContext) throws(HTTPServerError) -> [LoopDaemon] {
        var flags = MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_TURBO.rawValue
        // Every daemon listens on the same address: the kernel spreads the new connections.
        var options = [MHD_OptionItem(option: .LISTENING_ADDRESS_REUSE, value: 1, ptr_value: nil)]
        let tlsStrings = configuration.tls.map { CStrings([$0.privateKeyPEM, $0.certificatePEM, $0.priorities]) }
        if let tlsStrings {
            guard MHD_is_feature_supported(.FEATURE_TLS) == .YES else { throw .tlsUnavailable }
            flags |= MHD_USE_TLS.rawValue
            options += [MHD_OptionItem(option: .HTTPS_MEM_KEY, value: 0, ptr_value: tlsStrings[0]),
                        MHD_OptionItem(option: .HTTPS_MEM_CERT, value: 0, ptr_value: tlsStrings[1]),
                        MHD_OptionItem(option: .HTTPS_PRIORITIES, value: 0, ptr_value: tlsStrings[2])]
        }
        options.append(MHD_OptionItem(option: .END, value: 0, ptr_value: nil))
        let connectionLimit = (configuration.connectionLimit + group.loops.count - 1) / group.loops.count
        var daemons: [LoopDaemon] = []
        var port = configuration.port
        for loop in group.loops {
            let address = try ListenAddress(host: configuration.host, port: port)
            // The daemon keeps this pointer as the context of its callbacks: it lives as long as the server.
            let daemon = LoopDaemon(loop: loop, context: context)
            let contextPointer = Unmanaged.passUnretained(daemon).toOpaque()
            let started = address.withSocketAddress { socketAddress, _ in
                eg_mhd_start_daemon(flags, socketAddress,
                                    MHDCallbacks.acceptPolicy, contextPointer,
                                    MHDCallbacks.accessHandler, contextPointer,
                                    MHDCallbacks.requestCompleted, nil,
                                    MHDCallbacks.requestStarted, nil,
                                    MHDCallbacks.connectionChanged, contextPointer,
                                    UInt32(connectionLimit), UInt32(configuration.connectionTimeoutSeconds),
                                    configuration.connectionMemoryLimit, options)
            }
            guard let started else {
                let reason = tlsStrings == nil ? String(cString: strerror(errno)) : "\(String(cString: strerror(errno))), or the TLS certificate/key is invalid"
                for daemon in daemons { daemon.stopUnstarted() }
                throw .cannotListen(host: configuration.host, port: configuration.port, reason: reason)
            }
            daemon.attach(MHDDaemon(pointer: started, strings: tlsStrings))
            if port == 0 { port = daemon.boundPort }
            daemons.append(daemon)
        }
        return daemons
    }

    /// Lets running handlers finish for up to `gracePeriod`; from then on every new request
    /// gets the configuration's `refusal` without reaching the handler. Cancels the handlers
    /// still running (and tells those waiting to start, see `HTTPExchange.onCancel`) and gives them
    /// up to `cancellationGrace`; connections whose handler is still not done then get the refusal
    /// too. Finally closes the listeners and every connection. Only the first call does this;
    /// later ones return at once.
    /// - Returns: how many requests got the refusal because their handler overran.
    @discardableResult
    public func shutdown(gracePeriod: Duration = .seconds(5), cancellationGrace: Duration = .seconds(1)) async -> Int {
        guard !shutdownStarted.exchange(true, ordering: .acquiringAndReleasing) else { return 0 }
        await waitForHandlers(upTo: gracePeriod)
        for daemon in daemons {
            await daemon.loop.submit { daemon.beginStopping() }
        }
        await waitForHandlers(upTo: cancellationGrace)
        var overran = 0
        for daemon in daemons {
            overran += await daemon.loop.submit { daemon.resumeRemaining() }
        }
        // The loops answer the connections resumed last; stopping at once would cut those answers off.
        try? await Task.sleep(for: Self.settleTime)
        context.headerDeadline?.stop()
        for daemon in daemons {
            await daemon.loop.submit { daemon.stop() }
        }
        if ownsLoops { loops.shutdown() }
        return overran
    }

    /// Waits until no connection is suspended for a handler or a stream, or until `limit` has passed.
    private func waitForHandlers(upTo limit: Duration) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while daemons.contains(where: { $0.suspendedCount > 0 }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// How long MHD gets to send the last answers before the connections are closed: they
    /// are ready to send, and loopback or LAN clients take them in well under this.
    static let settleTime = Duration.milliseconds(100)

    /// A server dropped without `shutdown()` stops at once: the loops must not drive daemons whose
    /// callbacks point at a context that is gone.
    deinit {
        context.headerDeadline?.stop()
        for daemon in daemons where !daemon.hasStopped {
            daemon.loop.executeAndWait {
                daemon.beginStopping()
                _ = daemon.resumeRemaining()
                daemon.stop()
            }
        }
        if ownsLoops { loops.shutdown() }
    }
}
