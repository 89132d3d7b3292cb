import CLISupport
import GatewayCrypto
import GatewayJSON

/// `exchange-gateway keygen`: a new random API key and the config entry that holds its hash.
enum KeygenCommand {
    static let usage = """
        usage: exchange-gateway keygen [--client ID] [--role ROLE]

        Prints a new random API key (give it to the client; it is shown once and stored
        nowhere) and the "clients" entry for the config, which holds only its SHA-256.
        """

    static func run(_ arguments: consuming Arguments) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let client: String, role: String
        do throws(ArgumentError) {
            client = try arguments.option("--client") ?? "new-client"
            role = try arguments.option("--role") ?? "clerk"
            try arguments.finish()
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program, code: 2)
        }
        let key = "egk_" + Hex.encode(SecureRandom.bytes(32))
        let hash = Hex.encode(Digest.sha256(Array(key.utf8)))
        let entry = JSON.object(["id": JSON(client), "role": JSON(role), "api_key_sha256": JSON(hash)])
        Terminal.print("""
            API key:      \(key)
            config entry: \(entry.encodedString())
            """)
    }
}
