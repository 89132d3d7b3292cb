/// The W3C trace context of one request: the caller's trace when it sends a valid
/// `traceparent`, else a new trace. The gateway's handling of the request is one span; each
/// upstream call gets a child span, so a department's logs join the caller's trace.
public struct TraceContext: Sendable, Equatable {
    /// 32 lower-case hex digits.
    public let traceID: String
    /// This request's span in the gateway: 16 lower-case hex digits.
    public let spanID: String
    /// The trace flags, 2 hex digits (`01` = sampled).
    public let flags: String

    /// Continues the caller's trace, or starts a new one when `traceparent` is missing or invalid.
    public init(traceparent: String?) {
        if let parsed = traceparent.flatMap(Self.parse) {
            traceID = parsed.traceID
            flags = parsed.flags
        } else {
            traceID = IdentifierGenerator.hex(words: 2)
            flags = "01"
        }
        spanID = Self.newSpanID()
    }

    /// The `traceparent` naming this request's span, returned to the caller.
    public var traceparent: String { "00-\(traceID)-\(spanID)-\(flags)" }

    /// A `traceparent` for one upstream call: same trace, a new span. Written in one piece, as
    /// every dossier makes one per department.
    public func childTraceparent() -> String {
        var traceID = traceID, flags = flags
        return traceID.withUTF8 { trace in
            flags.withUTF8 { flags in
                String(unsafeUninitializedCapacity: 3 + trace.count + 18 + flags.count) { text in
                    let buffer = UnsafeMutableRawPointer(text.baseAddress!)
                    var offset = 0
                    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                        (buffer + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                        offset += bytes.count
                    }
                    func put(_ byte: UInt8) {
                        buffer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                        offset += 1
                    }
                    put(UInt8(ascii: "0"))
                    put(UInt8(ascii: "0"))
                    put(UInt8(ascii: "-"))
                    put(trace)
                    put(UInt8(ascii: "-"))
                    IdentifierGenerator.write(IdentifierGenerator.next(), into: buffer + offset)
                    offset += 16
                    put(UInt8(ascii: "-"))
                    put(flags)
                    return offset
                }
            }
        }
    }

    private static func newSpanID() -> String { IdentifierGenerator.hex(words: 1) }

    /// Trace id and flags of a valid version-00-compatible `traceparent`, or `nil`.
    static func parse(_ header: String) -> (traceID: String, flags: String)? {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts[0] != "00" || parts.count == 4,
              parts.prefix(4).allSatisfy({ $0.allSatisfy(\.isLowercaseHexDigit) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        return (String(parts[1]), String(parts[3]))
    }
}

extension Character {
    fileprivate var isLowercaseHexDigit: Bool {
        ("0"..."9").contains(self) || ("a"..."f").contains(self)
    }
}
