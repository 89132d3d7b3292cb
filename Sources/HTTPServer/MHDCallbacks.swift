import CMicroHTTPD
import Glibc

/// The C callbacks MHD calls from its own threads. They live in a nonisolated type as
/// closures without captures; everything they need comes through their context pointers.
enum MHDCallbacks {
    /// MHD's access handler. First call: remember the request (answering now would
    /// close keep-alive connections). Then take the body. Then suspend and start the
    /// handler. After the resume: queue its reply. Once the server is stopping, nothing is
    /// suspended: the request gets the server's refusal at once, and so does one whose
    /// connection shutdown resumed before its handler was done.
    static let accessHandler: MHD_AccessHandlerCallback = { serverPointer, connection, url, method, _, uploadData, uploadDataSize, requestPointer in
        guard let serverPointer, let connection, let uploadDataSize, let requestPointer else { return .NO }
        let server = Unmanaged<ServerContext>.fromOpaque(serverPointer).takeUnretainedValue()
        guard let existing = requestPointer.pointee else {
            let state = RequestState(method: method.map { String(cString: $0) } ?? "",
                                     path: url.map { String(cString: $0) } ?? "/")
            requestPointer.pointee = Unmanaged.passRetained(state).toOpaque()
            return .YES
        }
        let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
        if uploadDataSize.pointee > 0 {
            state.appendBody(UnsafeRawBufferPointer(start: uploadData, count: uploadDataSize.pointee), limit: server.maxBodyBytes)
            uploadDataSize.pointee = 0
            return .YES
        }
        if let reply = state.takeReply() {
            return queue(reply, on: connection, server: server)
        }
        guard let (body, exceededLimit) = state.startHandler() else {
            guard server.isStopping else { return .YES }
            return queue(.respond(server.refusal(request(on: connection, state: state))), on: connection, server: server)
        }
        let request = request(on: connection, state: state, body: body, bodyExceededLimit: exceededLimit)
        let suspended = server.suspend(MHDConnection(pointer: connection)) {
            state.setReply(await server.handler(request))
        }
        return suspended ? .YES : queue(.respond(server.refusal(request)), on: connection, server: server)
    }

    /// Releases a request's state once MHD is done with it.
    static let requestCompleted: MHD_RequestCompletedCallback = { _, _, requestPointer, _ in
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

    /// Appends each key/value pair to the `[(String, String)]` behind `pairsPointer`.
    static let collectValue: MHD_KeyValueIterator = { pairsPointer, _, key, value in
        guard let pairsPointer, let key else { return .YES }
        let pairs = pairsPointer.assumingMemoryBound(to: [(name: String, value: String)].self)
        pairs.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
        return .YES
    }

    private static func request(on connection: OpaquePointer, state: RequestState, body: [UInt8] = [],
                                bodyExceededLimit: Bool = false) -> HTTPRequest {
        HTTPRequest(method: state.method, path: state.path,
                    query: values(of: connection, kind: .GET_ARGUMENT_KIND, lowercasingNames: false),
                    headers: values(of: connection, kind: .HEADER_KIND, lowercasingNames: true),
                    body: body, bodyExceededLimit: bodyExceededLimit, remoteAddress: clientAddress(of: connection))
    }

    private static func values(of connection: OpaquePointer, kind: MHD_ValueKind, lowercasingNames: Bool) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        _ = withUnsafeMutablePointer(to: &pairs) { MHD_get_connection_values(connection, kind, collectValue, $0) }
        if lowercasingNames {
            for index in pairs.indices { pairs[index].name = pairs[index].name.lowercased() }
        }
        return pairs
    }

    private static func clientAddress(of connection: OpaquePointer) -> String {
        guard let address = eg_mhd_client_address(connection), address.pointee.sa_family == sa_family_t(AF_INET) else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
            var raw = ipv4.pointee.sin_addr
            _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
        }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func queue(_ reply: HTTPReply, on connection: OpaquePointer, server: ServerContext) -> MHD_Result {
        guard case .respond(let response) = reply else { return .NO }
        let created: OpaquePointer?
        switch response.body {
        case .bytes(let bytes):
            created = bytes.withUnsafeBytes { buffer in
                MHD_create_response_from_buffer(buffer.count, UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                                .RESPMEM_MUST_COPY)
            }
        case .stream(let length, let next):
            let stream = StreamState(connection: MHDConnection(pointer: connection), next: next, context: server)
            created = MHD_create_response_from_callback(length ?? UInt64.max, 64 * 1024, readStream,
                                                        Unmanaged.passRetained(stream).toOpaque(), releaseStream)
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        for (name, value) in response.headers {
            MHD_add_response_header(created, name, value)
        }
        return MHD_queue_response(connection, UInt32(response.status), created)
    }
}
