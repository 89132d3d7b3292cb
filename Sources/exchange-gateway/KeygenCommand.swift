import CLISupport
import GatewayCore
import GatewayCrypto
import GatewayJSON

/// `exchange-gateway keygen`: a new random API key and the config entry that holds its hash.
enum KeygenCommand {
    static let usage = """
        usage: exchange-gateway keygen [--client ID] [--role ROLE] [--config FILE] [--hash-file FILE]

        Prints a new random API key (give it to the client; it is shown once and stored
        nowhere) and the "clients" entry for the config, which holds only its SHA-256.
        ROLE (default clerk) must be a role FILE defines (default: config/gateway.json; only
        its "roles" are read, so clients whose hash files do not exist yet are fine).
        --hash-file also writes the SHA-256 to FILE, a new file, for api_key_sha256_file.
        """

    static func run(_ arguments: consuming Arguments) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let client: String, role: String, configPath: String, hashFile: String?
        do throws(ArgumentError) {
            client = try arguments.option("--client") ?? "new-client"
            role = try arguments.option("--role") ?? "clerk"
            configPath = ExchangeGateway.configPath(try arguments.option("--config"))
            hashFile = try arguments.option("--hash-file")
            try arguments.finish()
        } catch {
            usageMistake(error.description)
        }
        guard RequestID.accepted(client) != nil, client.utf8.count <= 64 else {
            usageMistake("--client must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-' (as clients[].id)")
        }
        let roles = definedRoles(configPath)
        guard roles.contains(role) else {
            usageMistake("unknown role '\(role)': \(configPath) defines \(roles.joined(separator: ", "))")
        }
        let key = "egk_" + Hex.encode(SecureRandom.bytes(32))
        let hash = Hex.encode(Digest.sha256(Array(key.utf8)))
        if let hashFile {
            do throws(FileBytes.Failure) {
                try FileBytes.createNew(hashFile, contents: Array((hash + "\n").utf8), mode: 0o644)
            } catch {
                Terminal.fail(error.description, program: ExchangeGateway.program)
            }
        }
        let entry = JSON.object(["id": JSON(client), "role": JSON(role),
                                 hashFile == nil ? "api_key_sha256" : "api_key_sha256_file": JSON(hashFile ?? hash)])
        Terminal.print("""
            API key:      \(key)
            config entry: \(entry.encodedString())
            """)
    }

    /// Ends the command with exit status 2 and one line.
    private static func usageMistake(_ message: String) -> Never {
        Terminal.fail(message, program: ExchangeGateway.program, code: 2)
    }

    /// The role names `path` defines, sorted; exits with one line when it has none to read.
    private static func definedRoles(_ path: String) -> [String] {
        guard let text = FileBytes.read(path) else { Terminal.fail("cannot read \(path)", program: ExchangeGateway.program) }
        guard let roles = (try? JSON.parse(text))?["roles"], roles.kind == .object, !roles.members.isEmpty else {
            Terminal.fail("\(path) defines no roles (a JSON object \"roles\")", program: ExchangeGateway.program)
        }
        return roles.members.map(\.key).sorted()
    }
}
