import Synchronization

/// One request on one connection, from MHD's parse of its request line to its completion.
/// Owned by MHD through `*con_cls`; the answering task only sets the reply.
final class RequestState: Sendable {
    /// The request target as sent, copied when MHD parsed the request line (it decodes the
    /// target in place afterwards).
    let rawTarget: [UInt8]
    private let progress = Mutex(Progress())

    struct Progress {
        /// Set by MHD's first call of the access handler, once the headers are complete.
        var head: RequestHead?
        var body: [UInt8] = []
        var bodyExceededLimit = false
        var handlerStarted = false
        var reply: HTTPReply?
    }

    init(rawTarget: [UInt8]) {
        self.rawTarget = rawTarget
    }

    /// The request's line and headers; `nil` before MHD's first call of the access handler.
    var head: RequestHead? {
        progress.withLock { $0.head }
    }

    func setHead(_ head: RequestHead) {
        progress.withLock { $0.head = head }
    }

    /// Appends a piece of the body; past `limit` the body is dropped and flagged.
    func appendBody(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        progress.withLock { progress in
            guard !progress.bodyExceededLimit else { return }
            if progress.body.count + bytes.count > limit {
                progress.bodyExceededLimit = true
                progress.body = []
            } else {
                progress.body.append(contentsOf: bytes)
            }
        }
    }

    /// Marks the handler as started and returns the body, or `nil` if it had started already.
    func startHandler() -> (body: [UInt8], exceededLimit: Bool)? {
        progress.withLock { progress in
            guard !progress.handlerStarted else { return nil }
            progress.handlerStarted = true
            defer { progress.body = [] }
            return (progress.body, progress.bodyExceededLimit)
        }
    }

    func setReply(_ reply: HTTPReply) {
        progress.withLock { $0.reply = reply }
    }

    func takeReply() -> HTTPReply? {
        progress.withLock { progress in
            defer { progress.reply = nil }
            return progress.reply
        }
    }
}
