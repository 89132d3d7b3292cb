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
          verify [--public-key FILE]... [--checkpoint-every N] [--witness FILE] [--config FILE]
                 [--partial] [PATH...]           check chain, sequence, signatures, cadence and witness;
                                                 PATH is an audit file or the folder holding them
                                                 (see audit verify --help)
          accept-loss --config FILE --note TEXT  continue a log that ends before its witness,
                                                 recording the loss (see audit accept-loss --help)
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
        `exchange-gateway dossier verify FILE --audit-dir DIR` proves a saved answer against the log.
        """

    static func run(_ arguments: consuming Arguments) async throws(ArgumentError) {
        var arguments = arguments
        let command = arguments.positional()
        // verify and accept-loss have usages of their own.
        if command != "verify", command != "accept-loss", arguments.wantsHelp() { return Terminal.print(usage) }
        switch command {
        case "keygen": try keygen(arguments)
        case "verify": try AuditVerifyCommand.run(arguments)
        case "accept-loss": await AuditAcceptLossCommand.run(arguments)
        case "tail": try tail(arguments)
        case "search": try search(arguments)
        case nil:
            try arguments.finish()
            throw ArgumentError("missing audit command (keygen, verify, accept-loss, tail, search); see audit --help")
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
    /// Without any, `default` (a folder) when given.
    static func auditFiles(_ arguments: inout Arguments, default defaultFolder: String? = nil) throws(ArgumentError) -> [String] {
        var paths: [String] = []
        while let path = arguments.positional() { paths.append(path) }
        try arguments.finish()
        if paths.isEmpty, let defaultFolder { paths = [defaultFolder] }
        guard !paths.isEmpty else { throw ArgumentError("name an audit file or folder") }
        return paths.flatMap { path in
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return [path] }
            return logFiles(in: path)
        }
    }

    static func logFiles(in folder: String) -> [String] {
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

    /// The most bytes a file these commands read may have: a log file holds at most
    /// `audit.max_file_bytes` (at most 1 GiB) and the one batch that crossed it.
    static let maxFileBytes = 2 * AuditConfig.maxFileBytesLimit

    /// A log file, the witness, a key or a saved answer, whole. Anything else someone with write
    /// access to the folder put there (a FIFO, a device, a huge sparse file) is refused with one
    /// line, instead of blocking or exhausting memory.
    static func readFile(_ path: String) -> [UInt8] {
        do {
            return try FileBytes.contents(of: path, limit: maxFileBytes, regularFileOnly: true)
        } catch {
            let reason = switch error {
            case .notARegularFile: "not a regular file"
            case .tooLarge: "larger than \(maxFileBytes) bytes, which no audit file is"
            case .system(let code): String(cString: strerror(code))
            }
            fail("cannot read \(path): \(reason)")
        }
    }

    static func readPublicKey(_ path: String) -> Ed25519.PublicKey {
        do {
            return try Ed25519.PublicKey(pem: String(decoding: readFile(path), as: UTF8.self))
        } catch {
            fail("\(path): \(error)")
        }
    }

    private static func lines(of content: [UInt8]) -> [String] {
        content.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Ends the command with exit status 1: the arguments were fine, the files were not. The
    /// message is one line and may quote the files, so it is shown escaped, line breaks too.
    static func fail(_ message: String) -> Never {
        Terminal.fail(TerminalText.escaped(message), program: ExchangeGateway.program)
    }

    /// Prints what was read from the audit files (verify's findings, a record), each of the
    /// command's lines escaped, so a value read from the files stays on its line.
    static func show(_ lines: [String]) {
        for line in lines { Terminal.print(TerminalText.escaped(line)) }
    }
}
