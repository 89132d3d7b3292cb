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
          verify [--public-key FILE] [--partial] PATH...
                                                 check chain, sequence and checkpoint signatures;
                                                 PATH is an audit file or the folder holding them;
                                                 --partial accepts a chain that does not start at seq 1
          tail [-n 20] PATH...                   the last records
          search [--property ID] [--client ID] [--since 2026-11-29T00:00:00Z] PATH...
                                                 records matching every given filter

        verify exits 0 only if every line is intact, 1 at the first problem (file:line and what is wrong).
        """

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let command = arguments.positional()
        if arguments.wantsHelp() || command == nil { return Terminal.print(usage) }
        switch command {
        case "keygen": try keygen(arguments)
        case "verify": try verify(arguments)
        case "tail": try tail(arguments)
        case "search": try search(arguments)
        default: throw ArgumentError("unknown audit command '\(command ?? "")'; see audit --help")
        }
    }

    private static func keygen(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        guard let prefix = try arguments.option("--out") else { throw ArgumentError("audit keygen needs --out PREFIX") }
        try arguments.finish()
        let key = Ed25519.PrivateKey.generate()
        try writeNew(prefix + ".key", key.pemRepresentation, mode: 0o600)
        try writeNew(prefix + ".pub", key.publicKey.pemRepresentation, mode: 0o644)
        Terminal.print("""
            private key: \(prefix).key   (audit.signing_key_file; keep it on the gateway only)
            public key:  \(prefix).pub   (give it to auditors: audit verify --public-key \(prefix).pub)
            key id:      \(AuditCheckpoint.keyID(of: key.publicKey))
            """)
    }

    private static func verify(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let publicKey = try arguments.option("--public-key").map(readPublicKey)
        let partial = arguments.flag("--partial")
        let files = try auditFiles(&arguments)
        let report = AuditVerifier.verify(files: files.map { ($0, readFile($0)) }, publicKey: publicKey)
        let range = report.firstSeq.map { "seq \($0)–\(report.lastSeq ?? $0)" } ?? "no records"
        let signatures = publicKey == nil
            ? "\(report.checkpoints) checkpoints (signatures not checked: no --public-key)"
            : "\(report.verifiedSignatures) of \(report.checkpoints) checkpoint signatures verified"
        if let problem = report.problem {
            Terminal.print("\(files.count) file(s), \(report.lines) intact lines (\(range)) before the problem")
            Terminal.fail("TAMPERED: \(problem)", program: ExchangeGateway.program)
        }
        if let first = report.firstSeq, first != 1, !partial {
            Terminal.fail("the chain starts at seq \(first): earlier records are missing (use --partial to verify a later segment)",
                          program: ExchangeGateway.program)
        }
        Terminal.print("""
            intact: \(files.count) file(s), \(report.lines) lines, \(range)
            \(signatures); \(report.linesAfterLastVerifiedCheckpoint) lines after the last verified checkpoint
            """)
    }

    private static func tail(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let count = try arguments.integerOption("-n", in: 1...1_000_000) ?? 20
        let records = try auditFiles(&arguments).flatMap { lines(of: readFile($0)) }
        records.suffix(count).forEach { Terminal.print($0) }
    }

    private static func search(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        let property = try arguments.option("--property"), client = try arguments.option("--client")
        let since = try arguments.option("--since")
        let files = try auditFiles(&arguments)
        for line in files.flatMap({ lines(of: readFile($0)) }) {
            guard let record = try? JSON.parse(line) else { continue }
            if let property, record["property_id"]?.string != property { continue }
            if let client, record["client"]?.string != client { continue }
            // RFC 3339 UTC times of equal precision sort as text.
            if let since, (record["time"]?.string ?? "") < since { continue }
            Terminal.print(line)
        }
    }

    /// The remaining arguments as audit files, a folder standing for its `*.jsonl` files in name order.
    private static func auditFiles(_ arguments: inout Arguments) throws(ArgumentError) -> [String] {
        var paths: [String] = []
        while let path = arguments.positional() { paths.append(path) }
        try arguments.finish()
        guard !paths.isEmpty else { throw ArgumentError("name an audit file or folder") }
        return paths.flatMap { path in
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { return [path] }
            return jsonlFiles(in: path)
        }
    }

    private static func jsonlFiles(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasSuffix(".jsonl") { names.append(name) }
        }
        return names.sorted().map { folder + "/" + $0 }
    }

    private static func readFile(_ path: String) -> [UInt8] {
        guard let bytes = FileBytes.read(path) else {
            Terminal.fail("cannot read \(path): \(String(cString: strerror(errno)))", program: ExchangeGateway.program)
        }
        return bytes
    }

    private static func readPublicKey(_ path: String) throws(ArgumentError) -> Ed25519.PublicKey {
        do {
            return try Ed25519.PublicKey(pem: String(decoding: readFile(path), as: UTF8.self))
        } catch {
            throw ArgumentError("\(path): \(error)")
        }
    }

    private static func lines(of content: [UInt8]) -> [String] {
        content.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Creates `path` with `contents`; an existing file is never overwritten.
    private static func writeNew(_ path: String, _ contents: String, mode: mode_t) throws(ArgumentError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw ArgumentError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw ArgumentError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
