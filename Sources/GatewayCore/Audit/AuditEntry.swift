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
    /// SHA-256 of the exact body bytes the caller was sent: the dossier, the batch answer or the
    /// problem (written in hex). It ties a saved answer to its record (`exchange-gateway dossier
    /// verify`); the answer carries it too, as `Content-Digest`.
    public var bodySHA256: [UInt8]?
    /// The request ids of a batch answer's items (each has a record of its own); `nil` for
    /// every other record, which then has no `batch_items` member.
    public var batchItems: [String]?

    public init(time: Timestamp, requestID: String, clientID: String?, role: String?, purpose: String?,
                propertyID: String?, sources: [SourceResult], httpStatus: Int, latencyMs: Int,
                remoteAddress: String, traceID: String?, bodySHA256: [UInt8]? = nil, batchItems: [String]? = nil) {
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

    /// The record's line without the chain's `seq` and `prev`: compact JSON with the members in
    /// the order README "Audit log" fixes, written straight into bytes.
    public func encoded() -> [UInt8] {
        var line = AuditLineBody(.access, time: time, capacity: 640 + (purpose?.utf8.count ?? 0))
        line.output.key("request_id")
        line.output.string(requestID)
        line.output.key("client")
        line.output.string(orNull: clientID)
        line.output.key("role")
        line.output.string(orNull: role)
        line.output.key("purpose")
        line.output.string(orNull: purpose)
        line.output.key("property_id")
        line.output.string(orNull: propertyID)
        line.output.key("sources")
        line.output.beginArray()
        for source in sources {
            line.output.beginObject()
            line.output.key("name")
            line.output.string(source.name)
            line.output.key("status")
            line.output.string(source.status.rawValue)
            line.output.key("latency_ms")
            line.output.integer(source.latencyMs)
            line.output.endObject()
        }
        line.output.endArray()
        line.output.key("http_status")
        line.output.integer(httpStatus)
        line.output.key("latency_ms")
        line.output.integer(latencyMs)
        line.output.key("remote")
        line.output.string(remoteAddress)
        line.output.key("trace_id")
        line.output.string(orNull: traceID)
        line.output.key("body_sha256")
        line.hex(orNull: bodySHA256)
        if let batchItems {
            line.output.key("batch_items")
            line.output.beginArray()
            for item in batchItems { line.output.string(item) }
            line.output.endArray()
        }
        return line.finished()
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
