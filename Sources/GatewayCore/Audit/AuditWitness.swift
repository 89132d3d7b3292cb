import GatewayCrypto

/// The witness file's content: a copy of every signed checkpoint line, kept on other storage so
/// that someone who can write the audit volume cannot cut the log's tail (or rewrite it) unseen.
public struct AuditWitness: Sendable {
    public struct Entry: Sendable {
        public var line: Int
        public var seq: Int
        public var bytes: ArraySlice<UInt8>
    }

    public let name: String
    /// The complete lines, in file order.
    public let entries: [Entry]
    /// Bytes of a last line without a newline (a crash during its append), which are ignored.
    public let tornBytes: Int

    /// Reads `content`; a complete line that is not a checkpoint line is a problem at its line.
    public init(name: String, content: [UInt8]) throws(AuditVerifier.Problem) {
        self.name = name
        var entries: [Entry] = []
        var start = 0
        for index in content.indices where content[index] == UInt8(ascii: "\n") {
            let bytes = content[start..<index]
            let location = AuditVerifier.Location(file: name, line: entries.count + 1)
            let fields: AuditLineFields
            do {
                fields = try AuditLineFields(bytes)
            } catch {
                throw AuditVerifier.Problem(kind: .witness, location: location, detail: "not a checkpoint line: \(error)")
            }
            guard fields.type == AuditRecordType.checkpoint.rawValue else {
                throw AuditVerifier.Problem(kind: .witness, location: location,
                                            detail: "a \(fields.type) line, where a witness holds only checkpoints")
            }
            entries.append(Entry(line: entries.count + 1, seq: fields.seq, bytes: bytes))
            start = index + 1
        }
        self.entries = entries
        tornBytes = content.count - start
    }

    /// The witness's last line, whose `seq` the log must reach (and whose bytes it must hold)
    /// before the gateway writes to it.
    public var last: Entry? { entries.last }

    /// The entry whose line hashes to `sha256` (hex), if any.
    public func entry(hashing sha256: String) -> Entry? {
        entries.first { Hex.encode(Digest.sha256($0.bytes)) == sha256 }
    }
}
