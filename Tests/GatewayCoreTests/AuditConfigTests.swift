import GatewayCore
import Glibc
import Testing

struct AuditConfigTests {
    /// The path splits into the files' folder and the stem of their names.
    @Test(arguments: [
        ("/var/log/gateway/audit.jsonl", "/var/log/gateway", "audit"),
        ("audit.jsonl", ".", "audit"),
        ("/audit.jsonl", "/", "audit"),
        ("logs/access", "logs", "access"),
        ("/a/b/audit.log.jsonl", "/a/b", "audit.log"),
    ])
    func directoryAndStem(_ path: String, _ directory: String, _ stem: String) {
        let config = AuditConfig(path: path)
        #expect(config.directory == directory)
        #expect(config.stem == stem)
    }

    /// Files are named by their first seq in 12 digits, and those names are recognised as the log's.
    @Test(arguments: [(1, "audit-000000000001.jsonl"), (42, "audit-000000000042.jsonl"),
                      (999_999_999_999, "audit-999999999999.jsonl")])
    func fileNames(_ seq: Int, _ name: String) {
        let config = AuditConfig(path: "/var/log/gateway/audit.jsonl")
        #expect(config.fileName(firstSeq: seq) == name)
        #expect(config.isLogFile(name))
    }

    /// Other names in the folder are not the log's files.
    @Test(arguments: ["audit.jsonl", "audit-1.jsonl", "audit-0000000000001.jsonl", "audit-00000000000a.jsonl",
                      "audit-000000000001.jsonl.bak", "audit-000000000001.json", "other-000000000001.jsonl",
                      "audit-+00000000001.jsonl", "audit--00000000001.jsonl", ".audit-000000000001.jsonl"])
    func otherNamesAreNotLogFiles(_ name: String) {
        #expect(!AuditConfig(path: "/var/log/gateway/audit.jsonl").isLogFile(name))
    }

    /// Only ASCII digits make a log file name: fullwidth, Arabic-Indic or fraction "digits" do not.
    @Test(arguments: ["audit-１２３４５６７８９０１２.jsonl", "audit-٠٠٠٠٠٠٠٠٠٠٠١.jsonl", "audit-½½½½½½½½½½½½.jsonl"])
    func nonASCIIDigitsAreNotLogFiles(_ name: String) {
        #expect(!AuditConfig(path: "/var/log/gateway/audit.jsonl").isLogFile(name))
    }

    /// The defaults: fsync on, 64 MiB files, a checkpoint every 1000 records or 60 s, no signing key.
    @Test func defaults() {
        let config = AuditConfig(path: "audit.jsonl")
        #expect(config.fsync)
        #expect(config.signingKeyFile == nil)
        #expect(config.maxFileBytes == 64 << 20)
        #expect(config.checkpointEveryRecords == 1000)
        #expect(config.checkpointEverySeconds == 60)
        #expect(config.witnessFile == nil && config.witnessURL == nil)
        #expect(config.witnessTimeoutMs == 5000)
        #expect(config.appendTimeoutMs == 2000)
    }

    /// The audit tools read only the audit section of a config file: the rest (its secrets from
    /// the environment, its sources) need not be valid where they run.
    @Test func auditSectionAlone() throws {
        let path = "/tmp/audit-config-\(UInt64.random(in: 0...UInt64.max)).json"
        try Array(#"{"clients": "not looked at", "audit": {"path": "/v/audit.jsonl", "checkpoint_every_records": 7, "witness_file": "/w/witness.jsonl", "append_timeout_ms": 500}}"#.utf8)
            .withUnsafeBytes { bytes in
                let file = fopen(path, "w")
                defer { fclose(file) }
                #expect(fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count)
            }
        defer { remove(path) }
        let config = try AuditConfig.load(configFile: path)
        #expect(config.path == "/v/audit.jsonl" && config.checkpointEveryRecords == 7)
        #expect(config.witnessFile == "/w/witness.jsonl" && config.appendTimeoutMs == 500)
        #expect(throws: ConfigError.self) { try AuditConfig.load(configFile: path + ".missing") }
    }
}
