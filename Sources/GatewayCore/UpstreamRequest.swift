/// One call to one department, with every limit the transfer must respect.
public struct UpstreamRequest: Sendable, Equatable {
    public var source: String
    public var url: String
    public var timeoutMs: Int
    public var connectTimeoutMs: Int
    public var maxResponseBytes: Int
    /// True when the dossier deadline, not the source's own timeout, set `timeoutMs`.
    public var isLimitedByDeadline: Bool
    public var tls: UpstreamTLSConfig?
    /// Extra request headers as `Name: value` lines.
    public var headers: [String]
    /// How long a successful answer may be reused; 0 caches nothing.
    public var cacheTTLMs: Int
    /// Sent with `POST` when set (a GET otherwise). A POST is never coalesced with another call
    /// nor answered from the cache.
    public var body: [UInt8]?

    public init(source: String, url: String, timeoutMs: Int, connectTimeoutMs: Int,
                maxResponseBytes: Int, isLimitedByDeadline: Bool = false, tls: UpstreamTLSConfig? = nil,
                headers: [String] = [], cacheTTLMs: Int = 0, body: [UInt8]? = nil) {
        self.source = source
        self.url = url
        self.timeoutMs = timeoutMs
        self.connectTimeoutMs = connectTimeoutMs
        self.maxResponseBytes = maxResponseBytes
        self.isLimitedByDeadline = isLimitedByDeadline
        self.tls = tls
        self.headers = headers
        self.cacheTTLMs = cacheTTLMs
        self.body = body
    }
}

extension SourceConfig {
    /// The request for `propertyID`, with the id percent-encoded into the path template
    /// and the timeout cut to what is left of the dossier deadline.
    public func request(for propertyID: PropertyID, remainingMs: Int, headers: [String] = []) -> UpstreamRequest {
        let segment = PercentEncoding.encodePathSegment(propertyID.rawValue)
        let path = pathAroundID.before + segment + pathAroundID.after
        let timeout = max(1, min(timeoutMs, remainingMs))
        return UpstreamRequest(source: name,
                               url: baseURL + path,
                               timeoutMs: timeout,
                               connectTimeoutMs: min(connectTimeoutMs, timeout),
                               maxResponseBytes: maxResponseBytes,
                               isLimitedByDeadline: timeout < timeoutMs,
                               tls: tls,
                               headers: headers,
                               cacheTTLMs: cacheTTLMs)
    }
}
