import GatewayJSON

/// One access to citizens' data, as the audit log keeps it: who asked, why, for what, what
/// each department answered and what the caller got. Never any personal data or key.
public struct AuditEntry: Sendable {
    public struct SourceResult: Sendable, Equatable {
        public var name: String
        public var status: SourceStatus
        public var latencyMs: Int

        public init(name: String, status: SourceStatus, latencyMs: Int) {
            self.name = name
            self.status = status
            self.latencyMs = latencyMs
        }
    }

    public var time: Timestamp
    public var requestID: String
    /// `nil` when the caller was not authenticated.
    public var clientID: String?
    public var role: String?
    public var purpose: String?
    /// `nil` when the requested id was not a valid property id.
    public var propertyID: String?
    public var sources: [SourceResult]
    public var httpStatus: Int
    public var latencyMs: Int
    public var remoteAddress: String
    public var traceID: String?
    /// SHA-256 (hex) of the exact body bytes the caller was sent: the dossier, the batch answer
    /// or the problem. It ties a saved answer to its record (`exchange-gateway dossier verify`);
    /// the answer carries it too, as `Content-Digest`.
    public var bodySHA256: String?
    /// The request ids of a batch answer's items (each has a record of its own); `nil` for
    /// every other record, which then has no `batch_items` member.
    public var batchItems: [String]?

    public init(time: Timestamp, requestID: String, clientID: String?, role: String?, purpose: String?,
                propertyID: String?, sources: [SourceResult], httpStatus: Int, latencyMs: Int,
                remoteAddress: String, traceID: String?, bodySHA256: String? = nil, batchItems: [String]? = nil) {
        self.time = time
        self.requestID = requestID
        self.clientID = clientID
        self.role = role
        self.purpose = purpose
        self.propertyID = propertyID
        self.sources = sources
        self.httpStatus = httpStatus
        self.latencyMs = latencyMs
        self.remoteAddress = remoteAddress
        self.traceID = traceID
        self.bodySHA256 = bodySHA256
        self.batchItems = batchItems
    }

    /// The record's fields, in a fixed order, without the chain's `seq` and `prev`.
    public func json() -> JSON {
        func optional(_ value: String?) -> JSON { value.map { JSON($0) } ?? .null() }
        let record = JSON.object([
            "type": JSON(AuditRecordType.access.rawValue),
            "time": JSON(time.rfc3339),
            "request_id": JSON(requestID),
            "client": optional(clientID),
            "role": optional(role),
            "purpose": optional(purpose),
            "property_id": optional(propertyID),
            "sources": JSON.array(sources.map { source in
                JSON.object(["name": JSON(source.name), "status": JSON(source.status.rawValue), "latency_ms": JSON(source.latencyMs)])
            }),
            "http_status": JSON(httpStatus),
            "latency_ms": JSON(latencyMs),
            "remote": JSON(remoteAddress),
            "trace_id": optional(traceID),
            "body_sha256": optional(bodySHA256),
        ])
        if let batchItems { record["batch_items"] = JSON.array(batchItems.map { JSON($0) }) }
        return record
    }
}

/// The kinds of line in an audit file.
public enum AuditRecordType: String, Sendable {
    /// One dossier request.
    case access
    /// A signed statement of the chain's head so far.
    case checkpoint
    /// The gateway opened the log (after a start, or after repairing a torn last line).
    case opened
    /// The gateway stopped gracefully; a signed checkpoint follows when it signs.
    case closed
    /// From here on checkpoints are signed by the key this line names.
    case key
}
