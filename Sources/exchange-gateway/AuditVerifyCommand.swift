import CLISupport
import GatewayCore
import GatewayCrypto

/// What `audit verify` and `dossier verify` hold a log to: the keys its checkpoints may be
/// signed with, the operator's cadence, and the witness.
struct AuditVerifyOptions {
    var publicKeys: [Ed25519.PublicKey]
    var checkpointEvery: Int
    var witness: AuditWitness?
    /// The `audit` section of `--config`, when given.
    var config: AuditConfig?

    static let usage = """
          --public-key FILE     a key checkpoints may be signed with; give every key the log was
                                signed with (one per --public-key) across rotations
          --checkpoint-every N  at most N lines in a row without a signed checkpoint (default:
                                audit.checkpoint_every_records of --config, else 1000); what the log
                                says about its cadence cannot raise this
          --witness FILE        every checkpoint in FILE must be in the log, byte for byte
                                (default: audit.witness_file of --config)
          --config FILE         the gateway's config: only its audit section is read
        """

    /// Reads the options; the files they name must be readable, or the command fails (exit 1).
    static func parse(_ arguments: inout Arguments) throws(ArgumentError) -> AuditVerifyOptions {
        let keyPaths = try arguments.options("--public-key")
        let checkpointEvery = try arguments.integerOption("--checkpoint-every", in: 1...10_000_000)
        let witnessPath = try arguments.option("--witness")
        let config = try arguments.option("--config").map { path in
            do {
                return try AuditConfig.load(configFile: path)
            } catch {
                AuditCommand.fail("invalid config \(path): \(error)")
            }
        }
        let witness = (witnessPath ?? config?.witnessFile).map { path in
            do {
                return try AuditWitness(name: path, content: AuditCommand.readFile(path))
            } catch {
                AuditCommand.fail("TAMPERED: \(error)")
            }
        }
        return AuditVerifyOptions(publicKeys: keyPaths.map(AuditCommand.readPublicKey),
                                  checkpointEvery: checkpointEvery ?? config?.checkpointEveryRecords ?? AuditConfig.defaultCheckpointEveryRecords,
                                  witness: witness, config: config)
    }

    func verification(stopAfterCheckpointCovering seq: Int? = nil) -> AuditVerification {
        AuditVerification(publicKeys: publicKeys, checkpointEvery: checkpointEvery, witness: witness, stopAfterCheckpointCovering: seq)
    }

    /// What was checked about signatures, for the summary.
    func signatures(_ report: AuditVerifier.Report) -> String {
        guard !publicKeys.isEmpty else { return "\(report.checkpoints) checkpoints (signatures not checked: no --public-key)" }
        let keys = report.signingKeys.isEmpty ? "" : " (key \(report.signingKeys.joined(separator: " then ")))"
        return "\(report.verifiedSignatures) of \(report.checkpoints) checkpoint signatures verified\(keys); "
            + "at most \(checkpointEvery) lines between checkpoints"
    }

    /// What the witness showed, for the summary; `nil` without one.
    func witnessSummary(_ report: AuditVerifier.Report) -> String? {
        guard let witness else { return nil }
        var parts = ["witness \(witness.name): \(report.witnessedCheckpoints) checkpoints found in the log"]
        if report.lostWitnessedCheckpoints > 0 { parts.append("\(report.lostWitnessedCheckpoints) lost (recorded loss)") }
        if report.witnessLinesBeforeStart > 0 { parts.append("\(report.witnessLinesBeforeStart) before the verified segment (not checked)") }
        if report.witnessTornBytes > 0 { parts.append("a torn last line of \(report.witnessTornBytes) bytes ignored") }
        return parts.joined(separator: ", ")
    }
}

/// `exchange-gateway audit verify`: the whole log, against the operator's keys, cadence and witness.
enum AuditVerifyCommand {
    static let usage = """
        usage: exchange-gateway audit verify [--public-key FILE]... [--checkpoint-every N] [--witness FILE]
                                             [--config FILE] [--partial] [PATH...]

        Checks the chain, the order, checkpoint signatures and key changes, the cadence, and the
        witness. PATH is an audit file or the folder holding them (default: the folder of the
        config's audit.path).
        \(AuditVerifyOptions.usage)
          --partial             accept a chain that does not start at seq 1

        Exits 0 only if every line is intact, 1 at the first problem (file:line and what is wrong),
        and 1 if there is nothing to verify. How the newest run ended (closed, or still running /
        stopped uncleanly) and any recorded loss are shown; neither is a failure by itself.
        """

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let options = try AuditVerifyOptions.parse(&arguments)
        let partial = arguments.flag("--partial")
        let files = try AuditCommand.auditFiles(&arguments, default: options.config?.directory)
        var verification = options.verification()
        for file in files {
            verification.check(file: file, content: AuditCommand.readFile(file))
        }
        let report = verification.finish()
        let range = report.firstSeq.map { "seq \($0)–\(report.lastSeq ?? $0)" } ?? "no records"
        if let problem = report.problem {
            AuditCommand.show([report.lines == 0 ? "\(files.count) file(s), no intact line before the problem"
                               : "\(files.count) file(s), \(report.lines) intact lines (\(range)) before the problem"])
            AuditCommand.fail("TAMPERED: \(problem)")
        }
        guard let first = report.firstSeq else {
            // A log always holds at least the `opened` line its writer starts with.
            AuditCommand.fail("nothing verified: \(files.count) file(s) without a single record")
        }
        if first != 1, !partial {
            AuditCommand.fail("the chain starts at seq \(first): earlier records are missing (use --partial to verify a later segment)")
        }
        var summary = ["intact: \(files.count) file(s), \(report.lines) lines, \(range)",
                       "\(options.signatures(report)); \(report.linesAfterLastVerifiedCheckpoint) lines after the last verified checkpoint"]
        if let witness = options.witnessSummary(report) { summary.append(witness) }
        summary += runSummary(report)
        AuditCommand.show(summary)
    }

    /// How the runs ended, and the recorded losses.
    static func runSummary(_ report: AuditVerifier.Report) -> [String] {
        var lines: [String] = []
        if let newest = report.newestRun {
            let opened = newest.openedAt.map { " (opened at \($0))" } ?? ""
            lines.append(newest.closed ? "newest run\(opened): closed cleanly (closed line and final checkpoint)"
                         : "newest run\(opened): UNCLEAN END or still running: no closed line after it")
        }
        if !report.uncleanEnds.isEmpty {
            lines.append("earlier runs that ended uncleanly (crash, kill -9), at: "
                         + report.uncleanEnds.map(\.description).joined(separator: ", "))
        }
        for loss in report.losses {
            lines.append("RECORDED LOSS at \(loss.location): the log continues at seq \(loss.seq); witnessed lines up to seq "
                         + "\(loss.witnessSeq) were lost; note: \(loss.note)")
        }
        return lines
    }
}
