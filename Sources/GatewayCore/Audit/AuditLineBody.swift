import GatewayCrypto
import GatewayJSON

/// An audit line's members after the chain's `seq` and `prev`, written straight into bytes: every
/// kind of line starts `{"type":…,"time":…`, then its own members in their fixed order (README
/// "Audit log"). Strings follow `JSONOutput`'s rules, which are the line format's: `"`, `\` and
/// control characters escaped, all other UTF-8 as it is; hashes and times are written in place.
struct AuditLineBody {
    var output: JSONOutput

    init(_ type: AuditRecordType, time: Timestamp, capacity: Int = 256) {
        output = JSONOutput(capacity: capacity)
        output.beginObject()
        output.key("type")
        output.string(type.rawValue)
        output.key("time")
        output.asciiString(upTo: Timestamp.maxRFC3339Bytes) { time.writeRFC3339(into: $0) }
    }

    /// `bytes` as a string of lower-case hex digits.
    mutating func hex(_ bytes: [UInt8]) {
        output.asciiString(upTo: 2 * bytes.count) { buffer in bytes.withUnsafeBytes { Hex.write($0, into: buffer) } }
    }

    /// `bytes` in hex, or `null` when there are none.
    mutating func hex(orNull bytes: [UInt8]?) {
        if let bytes { hex(bytes) } else { output.null() }
    }

    /// The body, closed: what `AuditChain.append` links into the log.
    mutating func finished() -> [UInt8] {
        output.endObject()
        return output.finished()
    }
}
