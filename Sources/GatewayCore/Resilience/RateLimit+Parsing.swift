extension RateLimit {
    static let knownKeys: Set<String> = ["requests_per_second", "burst"]

    /// `requests_per_second` is required (fractions allowed: 0.5 is one request every two seconds,
    /// down to `RateLimit.minimumRequestsPerSecond`, one an hour); `burst` defaults to one second's
    /// worth, rounded up, and at least 1.
    init(object: ConfigObject) throws(ConfigError) {
        requestsPerSecond = try object.decimal("requests_per_second", in: 0...1_000_000)
        guard requestsPerSecond >= Self.minimumRequestsPerSecond else {
            throw ConfigError(path: object.keyPath("requests_per_second"),
                              problem: "must be at least 1/3600 (one request an hour)")
        }
        burst = try object.integer("burst", in: 1...1_000_000, default: max(1, Int(requestsPerSecond.rounded(.up))))
    }
}
