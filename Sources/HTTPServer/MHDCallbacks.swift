import CMicroHTTPD
import Glibc

/// The C callbacks MHD calls, inside MHD_run on a daemon's event loop. They live in a nonisolated
/// type as closures without captures; everything they need comes through their context pointers,
/// each the `LoopDaemon` that runs the daemon.
enum MHDCallbacks {
    /// MHD's accept policy: a peer at its connection limit is refused (MHD closes the socket at once).
    static let acceptPolicy: MHD_AcceptPolicyCallback = { daemonPointer, address, _ in
        guard let daemonPointer else { return .NO }
        let server = Unmanaged<LoopDaemon>.fromOpaque(daemonPointer).takeUnretainedValue().context
        let peer = addressText(address)
        return server.isUncountedPeer(peer) || server.connectionsPerAddress.hasRoom(for: peer) ? .YES : .NO
    }

    /// MHD's connection notifications: a started connection gets its state (and counts towards its
    /// peer's limit, and is watched by the header deadline), a closed one gives all that back.
    static let connectionChanged: MHD_NotifyConnectionCallback = { daemonPointer, connection, socketContext, code in
        guard let daemonPointer, let connection, let socketContext else { return }
        let server = Unmanaged<LoopDaemon>.fromOpaque(daemonPointer).takeUnretainedValue().context
        switch code {
        case .CONNECTION_NOTIFY_STARTED:
            let peer = addressText(eg_mhd_client_address(connection))
            let state = ConnectionState(peer: peer, isCounted: !server.isUncountedPeer(peer),
                                        socket: eg_mhd_connection_socket(connection), now: .now)
            if state.isCounted { server.connectionsPerAddress.enter(peer) }
            socketContext.pointee = Unmanaged.passRetained(state).toOpaque()
            server.headerDeadline?.watch(state)
        case .CONNECTION_NOTIFY_CLOSED:
            guard let existing = socketContext.pointee else { return }
            let state = Unmanaged<ConnectionState>.fromOpaque(existing).takeRetainedValue()
            socketContext.pointee = nil
            state.closed()
            server.headerDeadline?.forget(state)
            if state.isCounted { server.connectionsPerAddress.leave(state.peer) }
        @unknown default:
            return
        }
    }

    /// MHD's URI log callback, called once the request line is parsed: starts the request's state
    /// with the target as sent, before MHD decodes it in place. It becomes the request's `*con_cls`.
    static let requestStarted: eg_mhd_uri_log_callback = { _, uri, _ in
        let rawTarget = uri.map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self),
                                                            count: strlen($0))) } ?? []
        return Unmanaged.passRetained(RequestState(rawTarget: rawTarget)).toOpaque()
    }

    /// MHD's access handler. First call, once the headers are complete: read the request's head
    /// (answering now would close keep-alive connections), unless it is defective: then hand it to
    /// the handler at once, so the answer is queued before any of the body is read and MHD closes
    /// the connection after it. Then take the body. Then hand the request to the handler, which
    /// replies at once (queued here) or later (the connection is suspended until then). After the
    /// resume: queue the reply. Once the server is stopping, nothing is suspended: the request gets
    /// the server's refusal at once, and so does one whose connection shutdown resumed before its
    /// handler was done.
    static let accessHandler: MHD_AccessHandlerCallback = { daemonPointer, connection, url, method, version, uploadData, uploadDataSize, requestPointer in
        guard let daemonPointer, let connection, let uploadDataSize, let requestPointer, let existing = requestPointer.pointee else { return .NO }
        let daemon = Unmanaged<LoopDaemon>.fromOpaque(daemonPointer).takeUnretainedValue()
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        guard let head = state.head else {
            // Closed by the header deadline while the last header arrived: nothing more for it.
            guard ConnectionState.of(connection)?.headComplete(now: .now) != false else { return .NO }
            let head = RequestHead(connection: connection, method: method, url: url, version: version, rawTarget: state.rawTarget,
                                   maxBodyBytes: daemon.context.maxBodyBytes)
            state.head = head
            guard head.defect != nil else { return .YES }
            return startHandler(for: state, head: head, on: connection, daemon: daemon)
        }
        if uploadDataSize.pointee > 0 {
            state.appendBody(UnsafeRawBufferPointer(start: uploadData, count: uploadDataSize.pointee), limit: daemon.context.maxBodyBytes)
            uploadDataSize.pointee = 0
            return .YES
        }
        if let reply = state.takeReply() {
            return queue(reply, on: connection, daemon: daemon, closing: head.defect != nil)
        }
        return startHandler(for: state, head: head, on: connection, daemon: daemon)
    }

    /// Hands the request to the handler and queues its reply if it gave one at once, or answers the
    /// server's refusal when it is stopping; after a resume that found no reply, the refusal too.
    private static func startHandler(for state: RequestState, head: RequestHead, on connection: OpaquePointer,
                                     daemon: LoopDaemon) -> MHD_Result {
        let server = daemon.context
        guard let (body, exceededLimit) = state.startHandler() else {
            guard daemon.isStopping else { return .YES }
            return queue(.respond(server.refusal(request(on: connection, head: head))), on: connection, daemon: daemon, closing: true)
        }
        // Closed by the deadline while the last of the request arrived: nothing more for it.
        guard ConnectionState.of(connection)?.requestRead() != false else { return .NO }
        let request = request(on: connection, head: head, body: body, bodyExceededLimit: exceededLimit)
        guard !daemon.isStopping else {
            return queue(.respond(server.refusal(request)), on: connection, daemon: daemon, closing: true)
        }
        let exchange = HTTPExchange(daemon: daemon, connection: connection, state: state)
        server.handler(request, exchange)
        guard let reply = exchange.handlerReturned() else { return .YES }
        return queue(reply, on: connection, daemon: daemon, closing: head.defect != nil)
    }

    /// Releases a request's state once MHD is done with it; its connection waits for the next one.
    static let requestCompleted: MHD_RequestCompletedCallback = { _, connection, requestPointer, _ in
        if let connection { ConnectionState.of(connection)?.requestCompleted(now: .now) }
        guard let requestPointer, let state = requestPointer.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(state).release()
        requestPointer.pointee = nil
    }

    static let readStream: MHD_ContentReaderCallback = { streamPointer, _, destination, capacity in
        guard let streamPointer, let destination else { return -1 }
        let stream = Unmanaged<StreamState>.fromOpaque(streamPointer).takeUnretainedValue()
        return stream.read(into: UnsafeMutableRawBufferPointer(start: destination, count: capacity))
    }

    static let releaseStream: MHD_ContentReaderFreeCallback = { streamPointer in
        guard let streamPointer else { return }
        Unmanaged<StreamState>.fromOpaque(streamPointer).release()
    }

    private static func request(on connection: OpaquePointer, head: RequestHead, body: [UInt8] = [],
                                bodyExceededLimit: Bool = false) -> HTTPRequest {
        HTTPRequest(method: head.method, path: head.path, query: head.query, headers: head.headers,
                    body: body, bodyExceededLimit: bodyExceededLimit, remoteAddress: clientAddress(of: connection),
                    defect: head.defect)
    }

    private static func clientAddress(of connection: OpaquePointer) -> String {
        addressText(eg_mhd_client_address(connection))
    }

    /// An IPv4 peer's address as text; empty for anything else (the server listens on IPv4 only).
    private static func addressText(_ address: UnsafePointer<sockaddr>?) -> String {
        guard let address, address.pointee.sa_family == sa_family_t(AF_INET) else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
            var raw = ipv4.pointee.sin_addr
            _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
        }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Queues `reply`; with `closing`, says `Connection: close`, and MHD closes the connection after it.
    private static func queue(_ reply: HTTPReply, on connection: OpaquePointer, daemon: LoopDaemon, closing: Bool) -> MHD_Result {
        guard case .respond(let response) = reply else { return .NO }
        let created: OpaquePointer?
        switch response.body {
        case .bytes(let bytes):
            created = ResponseBytes.response(handing: bytes)
        case .stream(let length, let next):
            let stream = StreamState(connection: connection, next: next, daemon: daemon)
            created = MHD_create_response_from_callback(length ?? UInt64.max, 64 * 1024, readStream,
                                                        Unmanaged.passRetained(stream).toOpaque(), releaseStream)
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        for (name, value) in response.headers {
            MHD_add_response_header(created, name, value)
        }
        if closing, !response.headers.contains(where: { $0.name.lowercased() == "connection" }) {
            MHD_add_response_header(created, "Connection", "close")
        }
        return MHD_queue_response(connection, UInt32(response.status), created)
    }
}
