import Foundation
import Glibc
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// Attacks on a real signed log by someone who can write the audit volume, but neither the
/// witness nor the signing key, through the command line: lines they add outside what the
/// gateway signed must prove nothing.
@Suite(.endsWhatItStarts) struct AuditInsiderTests {
    typealias SignedAudit = AuditEvidenceTests.SignedAudit

    /// A signed, witnessed log of `count` dossiers (sent with request ids `insider-<n>`), the
    /// gateway stopped; returns the answers.
    static func signedLog(_ audit: SignedAudit, dossiers count: Int) async throws -> [RawResponse] {
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit.config) }
        var answers: [RawResponse] = []
        for index in 1...count {
            var headers = TestEnvironment.credentials()
            headers["X-Request-Id"] = "insider-\(index)"
            answers.append(try await environment.get("/v1/properties/LA2023001/dossier", headers: headers))
        }
        await environment.stop()
        #expect(answers.allSatisfy { $0.status == 200 })
        return answers
    }

    static func write(_ lines: [[UInt8]], to path: String) throws {
        try Data(lines.flatMap { $0 + [UInt8(ascii: "\n")] }).write(to: URL(fileURLWithPath: path))
    }

    /// Forge a dossier and prove it: the insider saves an altered dossier and writes a record with
    /// its hash, another client and purpose, and the seq of a signed record, outside the chain: in
    /// a file of its own named after the log's, or after the newest file's last checkpoint.
    /// `dossier verify` must not take a checkpoint that covers that seq for one that covers that line.
    @Test func recordOutsideTheChainProvesNothing() async throws {
        let audit = try SignedAudit()
        let answers = try await Self.signedLog(audit, dossiers: 3)
        var forged = answers[0].body
        let digit = try #require(forged.firstIndex(of: UInt8(ascii: "1")))
        forged[digit] = UInt8(ascii: "7")
        let saved = audit.folder + "/forged-dossier.json"
        try Data(forged).write(to: URL(fileURLWithPath: saved))

        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        let lines = AuditFolderLines.read(logPath)
        let genuine = try #require(lines.first { $0.firstRange(of: Array(#""request_id":"insider-1""#.utf8)) != nil })
        var record = String(decoding: genuine, as: UTF8.self)
        let genuineHash = try #require(try JSON.parse(genuine)["body_sha256"]?.string)
        record = record.replacingOccurrences(of: genuineHash, with: Hex.encode(Digest.sha256(forged)))
            .replacingOccurrences(of: #""client":"desk-1""#, with: #""client":"chief-judge""#)
        let arguments = ["dossier", "verify", saved, "--audit-dir", audit.logFolder, "--public-key", audit.publicKeyPath,
                         "--witness", audit.witnessPath]

        let ownFile = audit.logFolder + "/" + audit.config.fileName(firstSeq: 999_999)
        try Self.write([Array(record.utf8)], to: ownFile)
        let inOwnFile = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(inOwnFile.status == 1, "\(inOwnFile.output)")
        #expect(inOwnFile.errors.contains("NOT PROVEN") && inOwnFile.errors.contains("\(ownFile):1"), "\(inOwnFile.errors)")
        #expect(!inOwnFile.output.contains("PROVEN"), "\(inOwnFile.output)")
        try FileManager.default.removeItem(atPath: ownFile)

        try Self.write(lines + [Array(record.utf8)], to: logPath)
        let afterTheEnd = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(afterTheEnd.status == 1, "\(afterTheEnd.output)")
        #expect(afterTheEnd.errors.contains("NOT PROVEN") && afterTheEnd.errors.contains("\(logPath):\(lines.count + 1)"),
                "\(afterTheEnd.errors)")

        // The genuine dossier is still proven, from its own record in the chain.
        try Data(answers[0].body).write(to: URL(fileURLWithPath: saved))
        let genuineRun = try await CommandLineTests.run("exchange-gateway", arguments)
        #expect(genuineRun.status == 0 && genuineRun.output.contains("PROVEN") && genuineRun.output.contains("desk-1"),
                "\(genuineRun.output) \(genuineRun.errors)")
    }

    /// Cut the tail of a real witnessed log and excuse the cut with a loss line of one's own (it
    /// names the witness's last checkpoint, which can be read): verify fails at that line, as it
    /// does with a closed line appended to make the cut log look stopped cleanly (shown unclean).
    @Test func forgedLossAndClosedLinesAreCaught() async throws {
        let audit = try SignedAudit()
        _ = try await Self.signedLog(audit, dossiers: 12)
        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        let lines = AuditFolderLines.read(logPath)
        let witnessed = try #require(AuditFolderLines.read(audit.witnessPath).last)
        let kept = Array(lines.prefix(8))
        var chain = try AuditChain.after(line: kept[7])
        let loss = AuditRunLine.Loss(witnessSeq: try AuditLineFields(witnessed).seq, witnessLineSHA256: Hex.encode(Digest.sha256(witnessed)),
                                     note: "disk failure, accepted by the CISO")
        let lossLine = chain.append(body: AuditRunLine.opened(reason: .loss, repairedBytes: 0, checkpointEvery: 5, loss: loss))
        try Self.write(kept + [lossLine, chain.append(body: AuditRunLine.closed())], to: logPath)
        let forgedLoss = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", audit.publicKeyPath,
                                                                             "--witness", audit.witnessPath, "--checkpoint-every", "5",
                                                                             audit.logFolder])
        #expect(forgedLoss.status == 1)
        #expect(forgedLoss.errors.contains("\(logPath):9: missing checkpoint") && forgedLoss.errors.contains("accept-loss"),
                "\(forgedLoss.errors)")
        #expect(forgedLoss.output.contains("8 intact lines"), "\(forgedLoss.output)")

        chain = try AuditChain.after(line: kept[7])
        try Self.write(kept + [chain.append(body: AuditRunLine.closed())], to: logPath)
        let forgedClose = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", audit.publicKeyPath,
                                                                              "--checkpoint-every", "5", audit.logFolder])
        #expect(forgedClose.status == 0, "without the witness a cut tail is intact: \(forgedClose.errors)")
        #expect(forgedClose.output.contains("UNCLEAN END") && !forgedClose.output.contains("closed cleanly"), "\(forgedClose.output)")
    }

    /// `audit accept-loss` without a signing key would write a loss line no checkpoint signs,
    /// which verify rightly refuses: it refuses to, with one line naming the setting.
    @Test func acceptLossNeedsTheSigningKey() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        let configPath = folder + "/gateway.json"
        try #"{"audit": {"path": "\#(folder)/log/audit.jsonl", "witness_file": "\#(folder)/witness.jsonl"}}"#
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let run = try await CommandLineTests.run("exchange-gateway", ["audit", "accept-loss", "--config", configPath, "--note", "n"])
        #expect(run.status == 1)
        #expect(run.errors.contains("audit.signing_key_file") && run.errors.split(separator: "\n").count == 1, "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/log"), "nothing is written")
    }

    /// Files named like log files that are none: a FIFO (reading it would block forever), a link
    /// to a device that never ends, a sparse file larger than any log file (free to make, but it
    /// would exhaust memory). Each is refused with one line naming it, at once.
    @Test(arguments: ["fifo", "device", "sparse"])
    func strangeFilesAreRefused(_ kind: String) async throws {
        let folder = TestEnvironment.temporaryDirectory()
        let path = folder + "/audit-000000000001.jsonl"
        switch kind {
        case "fifo": #expect(mkfifo(path, 0o600) == 0)
        case "device": #expect(symlink("/dev/zero", path) == 0)
        default:
            #expect(creat(path, 0o600) >= 0)
            #expect(truncate(path, off_t(2 * AuditConfig.maxFileBytesLimit + 1)) == 0)
        }
        let run = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", folder])
        #expect(run.status == 1)
        let expected = kind == "sparse" ? "larger than \(2 * AuditConfig.maxFileBytesLimit) bytes, which no audit file is" : "not a regular file"
        #expect(run.errors.split(separator: "\n").map(String.init) == ["exchange-gateway: cannot read \(path): \(expected)"], "\(run.errors)")
    }

    /// What verify, dossier verify and the audit table show of a signed log of three dossiers to
    /// which an insider appended one line: a checkpoint whose key id is `keyID` (as JSON text, escapes
    /// and all) for verify; for the other two instead a record of a saved answer with `clientID`
    /// and `purpose`.
    private static func shownForged(keyID: String, clientID: String, purpose: String) async throws
        -> (verify: CommandLineTests.Run, dossier: CommandLineTests.Run, table: CommandLineTests.Run) {
        let audit = try SignedAudit()
        _ = try await Self.signedLog(audit, dossiers: 3)
        let logPath = audit.logFolder + "/" + audit.config.fileName(firstSeq: 1)
        let lines = AuditFolderLines.read(logPath)
        var chain = try AuditChain.after(line: lines[lines.count - 1])
        let forged = #"{"type":"checkpoint","time":"2026-12-06T00:00:00.000Z","key_id":"\#(keyID)","signature":"00"}"#
        try Self.write(lines + [chain.append(body: Array(forged.utf8))], to: logPath)
        let verify = try await CommandLineTests.run("exchange-gateway", ["audit", "verify", "--public-key", audit.publicKeyPath, audit.logFolder])

        let saved = audit.folder + "/saved.json"
        try Data("a saved answer".utf8).write(to: URL(fileURLWithPath: saved))
        chain = try AuditChain.after(line: lines[lines.count - 1])
        var entry = AuditEntry(time: .now(), requestID: "insider-x", clientID: clientID, role: "clerk", purpose: purpose,
                               propertyID: "LA2023001", sources: [], httpStatus: 200, latencyMs: 1, remoteAddress: "127.0.0.1", traceID: nil)
        entry.bodySHA256 = Digest.sha256(Array("a saved answer".utf8))
        try Self.write(lines + [chain.append(body: entry.encoded())], to: logPath)
        let dossier = try await CommandLineTests.run("exchange-gateway", ["dossier", "verify", saved, "--audit-dir", audit.logFolder,
                                                                          "--public-key", audit.publicKeyPath])
        let table = try await CommandLineTests.run("exchange-gateway", ["audit", "tail", "-n", "1", "--format", "table", audit.logFolder])
        return (verify, dossier, table)
    }

    /// Text from the log reaches the terminal in messages (a checkpoint's key id, a record's
    /// purpose): an insider's control characters there (a carriage return and an erase-line, a
    /// "conceal" that hides what follows) must not rewrite what verify, dossier verify or the
    /// audit table show. They are shown escaped.
    @Test func controlCharactersFromTheLogAreShownEscaped() async throws {
        let (verify, dossier, table) = try await Self.shownForged(keyID: #"\r\u001b[2Kintact: all good"#, clientID: "desk-1", purpose: "\u{1B}[8m")
        #expect(verify.status == 1)
        #expect(!verify.errors.utf8.contains(0x1B) && !verify.errors.utf8.contains(UInt8(ascii: "\r")), "\(verify.errors.debugDescription)")
        #expect(verify.errors.contains(#"\u{1B}[2Kintact"#), "\(verify.errors.debugDescription)")
        #expect(dossier.status == 1 && dossier.errors.contains("no signed checkpoint covers"), "\(dossier.errors)")
        #expect(!dossier.output.utf8.contains(0x1B) && dossier.output.contains(#"\u{1B}[8m"#), "\(dossier.output.debugDescription)")
        #expect(table.status == 0 && !table.output.utf8.contains(0x1B) && table.output.contains(#"\u{1B}[8m"#), "\(table.output.debugDescription)")
    }

    /// A line break from the log is text too: shown as it is, a key id, a purpose or a client name
    /// holding one would print a line of the insider's choosing under verify's or dossier verify's
    /// own (a fake `PROVEN:` or `intact:` line), or a fake row in the audit table. Each value read
    /// from the log stays on its line, the break shown escaped.
    @Test func lineBreaksFromTheLogAreShownEscaped() async throws {
        let (verify, dossier, table) = try await Self.shownForged(keyID: #"x\nintact: all good"#, clientID: "desk-1\n  role         chief-judge",
                                                                  purpose: "x\nPROVEN: saved.json is exactly the answer")
        #expect(verify.status == 1)
        #expect(verify.errors.split(separator: "\n").count == 1 && verify.errors.contains(#"x\u{A}intact"#), "\(verify.errors)")
        #expect(dossier.status == 1 && dossier.errors.contains("no signed checkpoint covers"), "\(dossier.errors)")
        let shown = dossier.output.split(separator: "\n")
        #expect(!shown.contains { $0.hasPrefix("PROVEN") || $0.contains("chief-judge") && !$0.contains("desk-1") }, "\(dossier.output)")
        #expect(dossier.output.contains(#"x\u{A}PROVEN"#), "\(dossier.output)")
        #expect(table.status == 0 && table.output.split(separator: "\n").count == 2, "header and one row: \(table.output)")
    }
}
