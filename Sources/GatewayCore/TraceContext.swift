import GatewayCrypto

/// The W3C trace context of a request: the caller's `traceparent` trace id when it sends a
/// valid one, else a new one, so every audit record and log line can be joined to a trace.
public enum TraceContext {
    /// The 32-hex-digit trace id of a valid `traceparent` (`00-<trace id>-<span id>-<flags>`), or `nil`.
    public static func traceID(fromTraceparent header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isLowercaseHexDigit) }),
              parts[1] != Substring(String(repeating: "0", count: 32)), parts[2] != Substring(String(repeating: "0", count: 16))
        else { return nil }
        return String(parts[1])
    }

    public static func newTraceID() -> String {
        Hex.encode(Digest.randomBytes(16))
    }
}

extension Character {
    fileprivate var isLowercaseHexDigit: Bool {
        ("0"..."9").contains(self) || ("a"..."f").contains(self)
    }
}
