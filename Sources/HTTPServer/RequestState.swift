/// One request on one connection, from MHD's parse of its request line to its completion.
/// Owned by MHD through `*con_cls`; used only on its daemon's loop (MHD's callbacks, and the
/// request's `HTTPExchange`, which goes there before touching it).
final class RequestState {
    /// The request target as sent, copied when MHD parsed the request line (it decodes the
    /// target in place afterwards).
    let rawTarget: [UInt8]
    /// Set by MHD's first call of the access handler, once the headers are complete.
    var head: RequestHead?
    private var body: [UInt8] = []
    private var bodyExceededLimit = false
    private var handlerStarted = false
    /// The handler's reply, set before the connection is resumed.
    var reply: HTTPReply?

    init(rawTarget: [UInt8]) {
        self.rawTarget = rawTarget
    }

    /// Appends a piece of the body; past `limit` the body is dropped and flagged.
    func appendBody(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        guard !bodyExceededLimit else { return }
        if body.count + bytes.count > limit {
            bodyExceededLimit = true
            body = []
        } else {
            body.append(contentsOf: bytes)
        }
    }

    /// Marks the handler as started and returns the body, or `nil` if it had started already.
    func startHandler() -> (body: [UInt8], exceededLimit: Bool)? {
        guard !handlerStarted else { return nil }
        handlerStarted = true
        defer { body = [] }
        return (body, bodyExceededLimit)
    }

    func takeReply() -> HTTPReply? {
        defer { reply = nil }
        return reply
    }
}
