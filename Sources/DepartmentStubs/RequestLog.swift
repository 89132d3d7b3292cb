import Synchronization

/// What a stub was asked for, so tests can check what reached a department.
final class RequestLog: Sendable {
    private let recorded = Mutex<[ReceivedRequest]>([])

    func record(_ request: ReceivedRequest) {
        recorded.withLock { $0.append(request) }
    }

    var requests: [ReceivedRequest] {
        recorded.withLock { $0 }
    }
}

/// One request a stub received.
public struct ReceivedRequest: Sendable, Equatable {
    public var path: String
    public var traceparent: String?
    public var requestID: String?
}
