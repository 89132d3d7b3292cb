/// One call to one department, with every limit the transfer must respect.
public struct UpstreamRequest: Sendable, Equatable {
    public var source: String
    public var url: String
    /// The source's own timeout; the dossier deadline may end the call sooner (`limits(from:)`).
    public var timeoutMs: Int
    /// The source's own connect timeout.
    public var connectTimeoutMs: Int
    public var maxResponseBytes: Int
    /// The dossier's deadline; `nil` for a call that has none (a one-off fetch).
    public var deadline: Deadline?
    public var tls: UpstreamTLSConfig?
    /// Extra request headers as `Name: value` lines.
    public var headers: [String]
    /// How long a successful answer may be reused; 0 caches nothing.
    public var cacheTTLMs: Int
    /// Sent with `POST` when set (a GET otherwise). A POST is never coalesced with another call
    /// nor answered from the cache.
    public var body: [UInt8]?

    public init(source: String, url: String, timeoutMs: Int, connectTimeoutMs: Int,
                maxResponseBytes: Int, deadline: Deadline? = nil, tls: UpstreamTLSConfig? = nil,
                headers: [String] = [], cacheTTLMs: Int = 0, body: [UInt8]? = nil) {
        self.source = source
        self.url = url
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxResponseBytes = maxResponseBytes
        self.deadline = deadline
        self.tls = tls
        self.headers = headers
        self.cacheTTLMs = cacheTTLMs
        self.body = body
    }

    /// The time the call has when the transport takes it at `start`.
    public func limits(from start: ContinuousClock.Instant) -> CallLimits {
        CallLimits(timeoutMs: timeoutMs, connectTimeoutMs: connectTimeoutMs, deadline: deadline, from: start)
    }

    /// The timeouts the call runs with when nothing else is known (taken at once, one attempt).
    public var ownTimeouts: TransferTimeouts {
        TransferTimeouts(timeoutMs: timeoutMs, connectTimeoutMs: min(connectTimeoutMs, timeoutMs))
    }
}

extension SourceConfig {
    /// The request for `propertyID`, with the id percent-encoded into the path template, bounded
    /// by the source's timeouts and `deadline`.
    public func request(for propertyID: PropertyID, deadline: Deadline?, headers: [String] = []) -> UpstreamRequest {
        let segment = PercentEncoding.encodePathSegment(propertyID.rawValue)
        var url = baseURL
        url.reserveCapacity(baseURL.utf8.count + pathAroundID.before.utf8.count + segment.utf8.count + pathAroundID.after.utf8.count)
        url += pathAroundID.before
        url += segment
        url += pathAroundID.after
        return UpstreamRequest(source: name,
                               url: url,
                               timeoutMs: timeoutMs,
                               connectTimeoutMs: connectTimeoutMs,
                               maxResponseBytes: maxResponseBytes,
                               deadline: deadline,
                               tls: tls,
                               headers: headers,
                               cacheTTLMs: cacheTTLMs)
    }
}
