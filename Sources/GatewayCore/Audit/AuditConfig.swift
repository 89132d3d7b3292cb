/// Where and how the audit log is written (SPEC §5).
public struct AuditConfig: Sendable, Equatable {
    /// `dir/stem.jsonl`: files are `dir/stem-<first seq, 12 digits>.jsonl`.
    public var path: String
    /// Sync every batch to disk before its responses go out. Off only for benchmarks.
    public var fsync: Bool
    /// PEM Ed25519 private key for checkpoints (`exchange-gateway audit keygen`).
    public var signingKeyFile: String?
    /// A new file is started once the current one holds this many bytes.
    public var maxFileBytes: Int
    public var checkpointEveryRecords: Int
    public var checkpointEverySeconds: Int
    /// A copy of every signed checkpoint line, on other storage (README "Audit log").
    public var witnessFile: String?
    /// Where each signed checkpoint line is also POSTed; a failure there never blocks dossiers.
    public var witnessURL: String?
    public var witnessTimeoutMs: Int
    /// A record not durable within this fails its request with 503 audit-unavailable.
    public var appendTimeoutMs: Int

    /// `audit.checkpoint_every_records` when the config does not set it.
    public static let defaultCheckpointEveryRecords = 1000
    /// The largest `audit.max_file_bytes`: a file is read back only by its tail, but
    /// `audit verify` reads one file at a time, whole.
    public static let maxFileBytesLimit = 1 << 30

    public init(path: String, fsync: Bool = true, signingKeyFile: String? = nil, maxFileBytes: Int = 64 << 20,
                checkpointEveryRecords: Int = defaultCheckpointEveryRecords, checkpointEverySeconds: Int = 60,
                witnessFile: String? = nil, witnessURL: String? = nil, witnessTimeoutMs: Int = 5000, appendTimeoutMs: Int = 2000) {
        self.path = path
        self.fsync = fsync
        self.signingKeyFile = signingKeyFile
        self.maxFileBytes = maxFileBytes
        self.checkpointEveryRecords = checkpointEveryRecords
        self.checkpointEverySeconds = checkpointEverySeconds
        self.witnessFile = witnessFile
        self.witnessURL = witnessURL
        self.witnessTimeoutMs = witnessTimeoutMs
        self.appendTimeoutMs = appendTimeoutMs
    }

    /// The folder of the audit files.
    public var directory: String {
        Self.folder(of: path)
    }

    /// The folder `path` is in (`.` when it names none).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file name without folder and `.jsonl`.
    public var stem: String {
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        return name.hasSuffix(".jsonl") ? String(name.dropLast(".jsonl".count)) : name
    }

    /// The name of the file whose first line has `seq`.
    public func fileName(firstSeq: Int) -> String {
        let digits = String(firstSeq)
        return stem + "-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".jsonl"
    }

    /// Whether `name` is one of this log's files.
    public func isLogFile(_ name: String) -> Bool {
        Self.logStem(ofFileName: name) == stem
    }

    /// The stem of a log file's name (`audit` for `audit-000000000001.jsonl`), or `nil` if
    /// `name` is not named like a log file.
    public static func logStem(ofFileName name: String) -> String? {
        guard name.hasSuffix(".jsonl") else { return nil }
        let base = name.dropLast(".jsonl".count)
        guard let dash = base.lastIndex(of: "-") else { return nil }
        let digits = base[base.index(after: dash)...]
        guard digits.utf8.count == 12, digits.utf8.allSatisfy(\.isASCIIDigit) else {
            return nil
        }
        return String(base[..<dash])
    }
}
