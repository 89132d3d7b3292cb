extension RetryPolicy {
    static let knownKeys: Set<String> = ["retries", "backoff_ms", "max_backoff_ms"]

    /// Every key is optional; `max_backoff_ms` defaults to 250 or `backoff_ms`, whichever is larger,
    /// and must not be below `backoff_ms`.
    init(object: ConfigObject) throws(ConfigError) {
        retries = try object.integer("retries", in: 0...10, default: 1)
        let base = try object.integer("backoff_ms", in: 0...60_000, default: 25)
        let cap = try object.integer("max_backoff_ms", in: 0...60_000, default: max(250, base))
        guard cap >= base else {
            throw ConfigError(path: object.keyPath("max_backoff_ms"), problem: "must not be below backoff_ms (\(base))")
        }
        baseBackoff = .milliseconds(base)
        maxBackoff = .milliseconds(cap)
    }
}
