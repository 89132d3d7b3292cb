import CLISupport
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Glibc

/// `exchange-gateway audit …`: make signing keys, verify the chain, read records.
enum AuditCommand {
    static let usage = """
        usage: exchange-gateway audit <command>

          keygen --out PREFIX                    write PREFIX.key (private, mode 600) and PREFIX.pub
          verify [--public-key FILE] [--checkpoint-every 1000] [--partial] PATH...
                                                 check chain, sequence and checkpoint signatures;
                                                 PATH is an audit file or the folder holding them;
                                                 with --public-key, more lines in a row without a
                                                 checkpoint than the log's opened line states is a
                                                 problem (twice --checkpoint-every where it states
                                                 none: audit.checkpoint_every_records);
                                                 --partial accepts a chain that does not start at seq 1
          tail [-n 20] PATH...                   the last records
          search [--since TIME] [--until TIME] [--client ID] [--role ROLE] [--property ID]
                 [--purpose TEXT] [--request-id ID] [--status 503|5xx] PATH...
                                                 access records matching every given filter: TIME is
                                                 RFC 3339 (2026-11-29T08:00:00+08:00) or a date
                                                 (midnight UTC), --until excluded; --purpose matches
                                                 part of the purpose; exits 1 when none matches
          tail and search take --format table|json: a table on a terminal, otherwise JSON lines
          exactly as in the log

        verify exits 0 only if every line is intact, 1 at the first problem (file:line and what is
        wrong), and 1 if there is nothing to verify (no audit file, or no record in them).
        """

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let wantsHelp = arguments.wantsHelp()
        let command = arguments.positional()
        if wantsHelp { return Terminal.print(usage) }
        switch command {
        case "keygen": try keygen(arguments)
        case "verify": try verify(arguments)
        case "tail": try tail(arguments)
        case "search": try search(arguments)
        case nil:
            try arguments.finish()
            throw ArgumentError("missing audit command (keygen, verify, tail, search); see audit --help")
        case let other?: throw ArgumentError("unknown audit command '\(other)'; see audit --help")
        }
    }

    private static func keygen(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        guard let prefix = try arguments.option("--out") else { throw ArgumentError("audit keygen needs --out PREFIX") }
        try arguments.finish()
        let key = Ed25519.PrivateKey.generate()
        do throws(FileBytes.Failure) {
            try FileBytes.createNew(prefix + ".key", contents: Array(key.pemRepresentation.utf8), mode: 0o600)
            do throws(FileBytes.Failure) {
                try FileBytes.createNew(prefix + ".pub", contents: Array(key.publicKey.pemRepresentation.utf8), mode: 0o644)
            } catch {
                // A private key without its public half is of no use: leave neither.
                unlink(prefix + ".key")
                throw error
            }
        } catch {
            fail(error.description)
        }
        Terminal.print("""
            private key: \(prefix).key   (audit.signing_key_file; keep it on the gateway only)
            public key:  \(prefix).pub   (give it to auditors: audit verify --public-key \(prefix).pub)
            key id:      \(AuditCheckpoint.keyID(of: key.publicKey))
            """)
    }

    private static func verify(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let publicKeyPath = try arguments.option("--public-key")
        let checkpointEvery = try arguments.integerOption("--checkpoint-every", in: 1...10_000_000)
            ?? AuditConfig.defaultCheckpointEveryRecords
        let partial = arguments.flag("--partial")
        let files = try auditFiles(&arguments)
        let publicKey = publicKeyPath.map(readPublicKey)
        let report = AuditVerifier.verify(files: files.map { ($0, readFile($0)) }, publicKey: publicKey,
                                          checkpointEvery: checkpointEvery)
        let range = report.firstSeq.map { "seq \($0)–\(report.lastSeq ?? $0)" } ?? "no records"
        let signatures = publicKey == nil
            ? "\(report.checkpoints) checkpoints (signatures not checked: no --public-key)"
            : "\(report.verifiedSignatures) of \(report.checkpoints) checkpoint signatures verified"
        if let problem = report.problem {
            Terminal.print("\(files.count) file(s), \(report.lines) intact lines (\(range)) before the problem")
            fail("TAMPERED: \(problem)")
        }
        guard let first = report.firstSeq else {
            // A log always holds at least the `opened` line its writer starts with.
            fail("nothing verified: \(files.count) file(s) without a single record")
        }
        if first != 1, !partial {
            fail("the chain starts at seq \(first): earlier records are missing (use --partial to verify a later segment)")
        }
        Terminal.print("""
            intact: \(files.count) file(s), \(report.lines) lines, \(range)
            \(signatures); \(report.linesAfterLastVerifiedCheckpoint) lines after the last verified checkpoint
            """)
    }

    private static func tail(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let count = try arguments.integerOption("-n", in: 1...1_000_000) ?? 20
        let format = try RecordFormat.chosen(&arguments)
        let records = try auditFiles(&arguments).flatMap { lines(of: readFile($0)) }
        printRecords(Array(records.suffix(count)), format: format)
    }

    private static func search(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let filter = try RecordFilter(&arguments)
        let format = try RecordFormat.chosen(&arguments)
        let files = try auditFiles(&arguments)
        let matching = files.flatMap { lines(of: readFile($0)) }.filter { line in
            (try? JSON.parse(line)).map(filter.matches) ?? false
        }
        guard !matching.isEmpty else { fail("no access record in \(files.count) file(s) matches") }
        printRecords(matching, format: format)
    }

    /// The remaining arguments as audit files. A folder stands for its log files
    /// (`<stem>-<12 digits>.jsonl`) in name order; other files in it are left out, and a
    /// folder holding the files of more than one log must be narrowed down by naming files.
    private static func auditFiles(_ arguments: inout Arguments) throws(ArgumentError) -> [String] {
        var paths: [String] = []
        while let path = arguments.positional() { paths.append(path) }
        try arguments.finish()
        guard !paths.isEmpty else { throw ArgumentError("name an audit file or folder") }
        return paths.flatMap { path in
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return [path] }
            return logFiles(in: path)
        }
    }

    private static func logFiles(in folder: String) -> [String] {
        guard let names = DirectoryListing.names(in: folder, where: { AuditConfig.logStem(ofFileName: $0) != nil }) else {
            fail("cannot read folder \(folder): \(String(cString: strerror(errno)))")
        }
        let stems = Set(names.compactMap(AuditConfig.logStem(ofFileName:)))
        guard stems.count <= 1 else {
            fail("\(folder) holds the files of several logs (\(stems.sorted().joined(separator: ", "))); name the files instead")
        }
        guard !names.isEmpty else { fail("no audit files (<stem>-<12 digits>.jsonl) in \(folder)") }
        return names.map { folder + "/" + $0 }
    }

    private static func readFile(_ path: String) -> [UInt8] {
        guard let bytes = FileBytes.read(path) else { fail("cannot read \(path): \(String(cString: strerror(errno)))") }
        return bytes
    }

    private static func readPublicKey(_ path: String) -> Ed25519.PublicKey {
        do {
            return try Ed25519.PublicKey(pem: String(decoding: readFile(path), as: UTF8.self))
        } catch {
            fail("\(path): \(error)")
        }
    }

    private static func lines(of content: [UInt8]) -> [String] {
        content.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Ends the command with exit status 1: the arguments were fine, the files were not.
    private static func fail(_ message: String) -> Never {
        Terminal.fail(message, program: ExchangeGateway.program)
    }
}
