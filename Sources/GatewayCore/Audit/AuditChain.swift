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
    /// The largest `seq` a line may have: 2^53 − 1, exact in every JSON reader. No log gets near
    /// it (a million lines a second for 285 years), so a larger one is tampering or corruption,
    /// and `seq + 1` of an accepted line never overflows.
    public static let maxSeq = (1 << 53) - 1

    /// `seq` of the last line written (0 before the first).
    public private(set) var lastSeq: Int
    /// SHA-256 of the last line written.
    public private(set) var lastHash: [UInt8]

    public init(lastSeq: Int = 0, lastHash: [UInt8] = AuditChain.genesis) {
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }

    /// Whether no further line fits: the last line has `maxSeq`.
    public var isFull: Bool { lastSeq >= Self.maxSeq }

    /// Whether a writer may continue after this chain's end: its last `seq` is at most half of
    /// `maxSeq`. No log gets there by writing (2^52 lines), and a run continued from there cannot
    /// fill the rest, so `append` never traps; a log beyond it is refused when it is opened.
    public var hasRoomToContinue: Bool { lastSeq <= Self.maxSeq / 2 }

    /// Appends to `lines` the next line (without newline) for a record whose compact JSON is `body`
    /// and advances the chain past it: `{"seq":N,"prev":"`, the previous line's hash written in hex
    /// straight into `lines`, `",` and the body's members; the line is hashed where it stands.
    /// - Returns: where the line is in `lines`.
    @discardableResult
    public mutating func append(body: [UInt8], to lines: inout [UInt8]) -> Range<Int> {
        precondition(body.first == UInt8(ascii: "{") && body.count > 2, "an audit body is a non-empty JSON object")
        precondition(!isFull, "a chain without room to continue is refused when the log is opened")
        let seq = lastSeq + 1
        let start = lines.count
        lines.append(contentsOf: #"{"seq":"#.utf8)
        JSONOutput.appendInteger(seq, to: &lines)
        lines.append(contentsOf: #","prev":""#.utf8)
        let hexStart = lines.count
        lines.append(contentsOf: repeatElement(0, count: 2 * lastHash.count))
        _ = lines.withUnsafeMutableBytes { line in lastHash.withUnsafeBytes { Hex.write($0, into: line.baseAddress! + hexStart) } }
        lines.append(contentsOf: #"","#.utf8)
        lines.append(contentsOf: body.dropFirst())
        lastSeq = seq
        lastHash = Digest.sha256(lines[start...])
        return start..<lines.count
    }

    /// The next line on its own (without newline), for a record whose compact JSON is `body`, and
    /// the chain advanced past it: a log made line by line (tests, tools).
    public mutating func append(body: [UInt8]) -> [UInt8] {
        var line: [UInt8] = []
        append(body: body, to: &line)
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

    /// The longest line accepted: a record is well under 4 KiB (its purpose is at most 200
    /// characters), so a longer line is not one, and reading stays bounded.
    public static let maxLineBytes = 1 << 20

    public init<Line: Collection<UInt8>>(_ line: Line) throws(AuditLineError) {
        guard line.count <= Self.maxLineBytes else { throw .tooLong(bytes: line.count) }
        let json: JSON
        do { json = try JSON.parse(Array(line)) } catch { throw .notJSON }
        guard let seqValue = json["seq"], let seq = seqValue.integer else { throw .missingField("seq") }
        guard (1...AuditChain.maxSeq).contains(seq) else { throw .seqOutOfRange(seq) }
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
    /// `seq` below 1 or above `AuditChain.maxSeq`.
    case seqOutOfRange(Int)
    /// Longer than `AuditLineFields.maxLineBytes`.
    case tooLong(bytes: Int)

    public var description: String {
        switch self {
        case .notJSON: "not a JSON object"
        case .missingField(let field): "no valid \"\(field)\""
        case .seqOutOfRange(let seq): "seq \(seq) is outside 1…\(AuditChain.maxSeq)"
        case .tooLong(let bytes): "a line of \(bytes) bytes, where a record has at most \(AuditLineFields.maxLineBytes)"
        }
    }
}
