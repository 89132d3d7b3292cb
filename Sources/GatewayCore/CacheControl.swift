/// How long a department's answer may be reused, from our TTL and its `Cache-Control`.
public enum CacheControl {
    /// `ttl` capped by `max-age`; nothing for `no-store`, `no-cache` and `private`.
    public static func freshness(ttl: Duration, header: String?) -> Duration? {
        guard ttl > .zero else { return nil }
        guard let header else { return ttl }
        var freshness = ttl
        for directive in header.lowercased().split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { String($0).trimmingASCIIWhitespace() }
            switch parts.first {
            case "no-store", "no-cache", "private":
                return nil
            case "max-age" where parts.count == 2:
                guard let seconds = Int(parts[1]), seconds > 0 else { return nil }
                freshness = min(freshness, .seconds(seconds))
            default:
                continue
            }
        }
        return freshness
    }
}
