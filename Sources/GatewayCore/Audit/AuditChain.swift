import GatewayCrypto
import GatewayJSON

/// The hash chain that makes the audit log tamper-evident.
///
/// Every line is `{"seq":N,"prev":"<hex>",…}`: `seq` counts lines across all files from 1,
/// and `prev` is the SHA-256 of the previous line's bytes (without its newline); the first
/// line of all links to 64 zeros. Editing, deleting or reordering any line breaks the link
/// of the line after it.
public struct AuditChain: Sendable, Equatable {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// `seq` of the last line written (0 before the first).
    public private(set) var lastSeq: Int
    /// SHA-256 of the last line written.
    public private(set) var lastHash: [UInt8]

    public init(lastSeq: Int = 0, lastHash: [UInt8] = AuditChain.genesis) {
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }

    /// The next line (without newline) for a record whose compact JSON is `body`, and the
    /// chain advanced past it.
    public mutating func append(body: [UInt8]) -> [UInt8] {
        precondition(body.first == UInt8(ascii: "{") && body.count > 2, "an audit body is a non-empty JSON object")
        let seq = lastSeq + 1
        var line = Array(#"{"seq":\#(seq),"prev":"\#(Hex.encode(lastHash))","#.utf8)
        line.append(contentsOf: body.dropFirst())
        lastSeq = seq
        lastHash = Digest.sha256(line)
        return line
    }

    /// The chain continued after `line`, an existing last line read back from a file.
    public static func after(line: [UInt8]) throws(AuditLineError) -> AuditChain {
        let fields = try AuditLineFields(line)
        return AuditChain(lastSeq: fields.seq, lastHash: Digest.sha256(line))
    }
}

/// The chain fields every audit line starts with.
public struct AuditLineFields: Sendable {
    public let json: JSON
    public let seq: Int
    public let prev: [UInt8]
    public let type: String

    public init(_ line: [UInt8]) throws(AuditLineError) {
        let json: JSON
        do { json = try JSON.parse(line) } catch { throw .notJSON }
        guard let seq = json["seq"]?.integer, seq > 0 else { throw .missingField("seq") }
        guard let prevText = json["prev"]?.string, prevText.utf8.count == 64, let prev = Hex.decode(prevText) else {
            throw .missingField("prev")
        }
        guard let type = json["type"]?.string else { throw .missingField("type") }
        self.json = json
        self.seq = seq
        self.prev = prev
        self.type = type
    }
}

public enum AuditLineError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON
    case missingField(String)

    public var description: String {
        switch self {
        case .notJSON: "not a JSON object"
        case .missingField(let field): "no valid \"\(field)\""
        }
    }
}
