import CLISupport
import GatewayCore
import GatewayCrypto
import GatewayJSON

/// `exchange-gateway dossier verify FILE --audit-dir DIR`: proves that a saved answer (a printed
/// dossier in a case file, a batch answer, a refusal) is exactly what the gateway sent, and to whom.
enum DossierVerifyCommand {
    static let usage = """
        usage: exchange-gateway dossier verify FILE --audit-dir DIR [--public-key PEM]... [--witness FILE]
                                                [--checkpoint-every N] [--config FILE]

        Hashes FILE (the answer's body, byte for byte, as saved: its SHA-256 is also the answer's
        Content-Digest header), finds the audit record whose body_sha256 it is, verifies the chain
        from the log's start up to the first signed checkpoint after that record, and prints who
        asked, with which role, why and when. DIR defaults to the folder of the config's audit.path.
        \(AuditVerifyOptions.usage)
        Exits 0 only when proven: the record is found and a checkpoint signed with a given key
        covers it through an intact chain. Exits 1 when no record has that hash (the file was
        altered, or is not an answer of this log), when several have it (the same bytes were sent
        more than once: refusals with a request id used again), when the chain is broken, or when
        no signed checkpoint covers the record (yet: one follows within audit.checkpoint_every_s).
        """

    /// The access record of a saved answer, and where it is.
    private struct Found {
        var location: AuditVerifier.Location
        var seq: Int
        var record: JSON
        /// SHA-256 of its line: the chain's line at `seq` must be this one, or it proves nothing.
        var lineSHA256: [UInt8]
    }

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let options = try AuditVerifyOptions.parse(&arguments)
        guard let folder = try arguments.option("--audit-dir") ?? options.config?.directory else {
            throw ArgumentError("dossier verify needs --audit-dir DIR (or --config FILE)")
        }
        let path = try arguments.requiredPositional("the saved answer FILE")
        try arguments.finish()

        let saved = AuditCommand.readFile(path)
        let hash = Hex.encode(Digest.sha256(saved))
        let files = AuditCommand.logFiles(in: folder)
        let matches = find(in: files, where: "body_sha256", is: hash)
        guard let found = matches.first else {
            if let requestID = (try? JSON.parse(saved))?["request_id"]?.string,
               let served = find(in: files, where: "request_id", is: requestID).first {
                AuditCommand.fail("ALTERED: \(path) is not what was served for request \(requestID): its record at "
                                  + "\(served.location) has body_sha256 \(served.record["body_sha256"]?.string ?? "(none)"), "
                                  + "the file's SHA-256 is \(hash)")
            }
            AuditCommand.fail("NOT FOUND: no audit record in \(folder) has body_sha256 \(hash), the SHA-256 of \(path): "
                              + "the file was altered, or it is not an answer recorded in this log")
        }
        guard matches.count == 1 else {
            // A refusal is its problem and the caller's own X-Request-Id: callers who send the same id
            // and are refused alike get the same bytes. The file is each of these answers, so it names none.
            AuditCommand.show(matches.flatMap { describe($0, hash: hash) })
            AuditCommand.fail("AMBIGUOUS: \(matches.count) access records have body_sha256 \(hash): the gateway sent these same "
                              + "bytes \(matches.count) times, so \(path) alone does not say which request it answered")
        }
        var verification = options.verification(stopAfterCheckpointCovering: found.seq)
        for file in files where !verification.isFinished {
            verification.check(file: file, content: AuditCommand.readFile(file))
        }
        let report = verification.finish()
        if let problem = report.problem {
            AuditCommand.fail("NOT PROVEN: the chain is broken: \(problem) (the record found is at \(found.location))")
        }
        // A line that merely says it has this seq (in a file of its own, or after the checkpoint) is
        // not the one the checkpoint covers.
        guard report.coveredLineSHA256 == found.lineSHA256 else {
            AuditCommand.fail("NOT PROVEN: the record at \(found.location) is not the log's line at seq \(found.seq): "
                              + "it is outside the chain the gateway wrote")
        }
        AuditCommand.show(describe(found, hash: hash))
        guard !options.publicKeys.isEmpty else {
            AuditCommand.fail("NOT PROVEN: signatures not checked: give the gateway's --public-key")
        }
        guard let checkpoint = report.coveringCheckpoint, let checkpointSeq = report.lastSeq else {
            AuditCommand.fail("NOT PROVEN: no signed checkpoint covers seq \(found.seq) yet "
                              + "(the next follows within audit.checkpoint_every_s); run this again then")
        }
        var lines = ["  covered by   checkpoint at \(checkpoint) (seq \(checkpointSeq)), signed by key "
                     + (report.signingKeys.last ?? "?") + ", chain intact from seq \(report.firstSeq ?? 1)"]
        if let witness = options.witness {
            let witnessed = witness.entries.contains { $0.seq == checkpointSeq }
            lines.append("  witness      " + (witnessed ? "the checkpoint is in \(witness.name)" : "the checkpoint is not in \(witness.name)"))
        }
        lines.append("PROVEN: \(path) is exactly the answer the gateway sent for request \(found.record["request_id"]?.string ?? "?")")
        AuditCommand.show(lines)
    }

    /// The access records whose `field` is `value`, in the log's order.
    private static func find(in files: [String], where field: String, is value: String) -> [Found] {
        let needle = Array(#""\#(field)":"\#(value)""#.utf8)
        var found: [Found] = []
        for file in files {
            let content = AuditCommand.readFile(file)
            for (index, line) in content.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
            where line.firstRange(of: needle) != nil {
                guard let fields = try? AuditLineFields(line), fields.type == AuditRecordType.access.rawValue,
                      fields.json[field]?.string == value
                else { continue }
                found.append(Found(location: AuditVerifier.Location(file: file, line: index + 1), seq: fields.seq, record: fields.json,
                                   lineSHA256: Digest.sha256(line)))
            }
        }
        return found
    }

    private static func describe(_ found: Found, hash: String) -> [String] {
        let record = found.record
        func text(_ key: String) -> String {
            guard let value = record[key] else { return "-" }
            return value.string ?? (value.isNull ? "-" : value.encodedString())
        }
        var lines = ["record       \(found.location) (seq \(found.seq)), body_sha256 \(hash)",
                     "  request id   \(text("request_id"))",
                     "  time         \(text("time"))",
                     "  client       \(text("client"))",
                     "  role         \(text("role"))",
                     "  purpose      \(text("purpose"))",
                     "  property     \(text("property_id"))",
                     "  http status  \(text("http_status"))"]
        if let items = record["batch_items"]?.elements {
            lines.append("  batch items  \(items.compactMap(\.string).joined(separator: ", "))")
        }
        return lines
    }
}
