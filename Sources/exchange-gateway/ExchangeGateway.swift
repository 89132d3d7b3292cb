import CLISupport
import GatewayCore

/// `exchange-gateway`: the gateway server and its tools.
@main
enum ExchangeGateway {
    static let program = "exchange-gateway"

    static let usage = """
        usage: exchange-gateway <command> [options]

        commands:
          serve [--config FILE]                 run the gateway (default config: config/gateway.json)
          dossier ID [--config FILE] [--sources land,tax] [--json]
                                                fetch one dossier directly and print it (or its JSON)
          dossier verify FILE --audit-dir DIR [--public-key PEM]... [--witness FILE]
                                                prove a saved answer against the audit log
          demo                                  start the stub departments and a gateway, show two dossiers
          config check FILE [--strict]          validate a config and the files it names
          keygen [--client ID] [--role ROLE]    make an API key and its config entry
          audit keygen|verify|accept-loss|tail|search
                                                audit signing keys, verification, records

        Run `exchange-gateway <command> --help` for a command's options, and
        `exchange-gateway --version` for the version of this build.
        """

    static func main() async {
        var arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
        do throws(ArgumentError) {
            switch arguments.positional() {
            case nil where arguments.flag("--version"):
                try arguments.finish()
                Terminal.print("\(program) \(GatewayVersion.current)")
            case "serve": await ServeCommand.run(arguments)
            case "dossier" where arguments.subcommand("verify"): try DossierVerifyCommand.run(arguments)
            case "dossier": await DossierCommand.run(arguments)
            case "demo": await DemoCommand.run(arguments)
            case "config": try ConfigCommand.run(arguments)
            case "keygen": KeygenCommand.run(arguments)
            case "audit": try await AuditCommand.run(arguments)
            case nil where arguments.wantsHelp():
                Terminal.print(usage)
            case nil:
                throw ArgumentError("missing command (serve, dossier, demo, config check, keygen, audit); see --help")
            case let other?:
                throw ArgumentError("unknown command '\(other)'; see --help")
            }
        } catch {
            Terminal.fail(error.description, program: program, code: 2)
        }
    }

    /// The config file to use: `--config`'s, or the bundled one.
    static func configPath(_ option: String?) -> String {
        option ?? BundledFile.locate("config/gateway.json")
    }

    /// The config at `path`; exits with a one-line message if it is invalid.
    static func loadConfig(_ path: String) -> GatewayConfig {
        do {
            return try GatewayConfig.load(path: path)
        } catch {
            Terminal.fail("invalid config \(path): \(error)", program: program)
        }
    }
}
