import GatewayCore

/// The witness file (`audit.witness_file`): a copy of every signed checkpoint line, appended and
/// synced right after the log's, on other storage. A torn last line (a crash during its append)
/// is cut off when it is opened, as the log's is.
struct AuditWitnessFile {
    /// The open file; the writer cuts it back through it after a failed batch.
    var file: AuditFile
    /// The last line and its `seq`; `nil` while the witness is empty.
    private(set) var last: (seq: Int, bytes: [UInt8])?

    static func open(_ path: String, syscalls: AuditSyscalls) throws(AuditLogError) -> AuditWitnessFile {
        var file: AuditFile
        do {
            try AuditDirectory.create(AuditConfig.folder(of: path))
            file = try AuditFile.open(path, mode: .append, syscalls: syscalls)
        } catch {
            throw .unavailable(error.description)
        }
        do throws(AuditLogError) {
            let end = try AuditBackwardReader.completeEnd(of: file)
            do {
                if end < file.size { try file.truncate(to: end) }
                // Its name must be durable before a checkpoint is taken to be witnessed.
                try AuditDirectory.sync(AuditConfig.folder(of: path), syscalls: syscalls)
            } catch {
                throw AuditLogError.unavailable(error.description)
            }
            var reader = AuditBackwardReader(file, end: end)
            var last: (seq: Int, bytes: [UInt8])?
            if let line = try reader.previousLine() {
                do {
                    let fields = try AuditLineFields(line.bytes)
                    guard fields.type == AuditRecordType.checkpoint.rawValue else { throw AuditLineError.missingField("signature") }
                    last = (fields.seq, line.bytes)
                } catch {
                    throw AuditLogError.corruptTail(path: path, reason: "not a checkpoint line: \(error)")
                }
            }
            return AuditWitnessFile(file: file, last: last)
        } catch {
            file.close()
            throw error
        }
    }

    var path: String { file.path }
    var size: Int { file.size }

    /// Appends `lines` (checkpoint lines, without newlines) and, with `sync`, syncs them.
    mutating func append(_ lines: [[UInt8]], sync: Bool) throws(AuditFile.Failure) {
        guard let newest = lines.last else { return }
        try file.append(lines.flatMap { $0 + [UInt8(ascii: "\n")] })
        if sync { try file.sync() }
        if let fields = try? AuditLineFields(newest) { last = (fields.seq, newest) }
    }

    func close() {
        file.close()
    }
}
