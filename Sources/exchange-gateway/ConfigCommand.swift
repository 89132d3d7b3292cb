import CLISupport
import GatewayCore
import HTTPServer

/// `exchange-gateway config check FILE`: everything `serve` checks before it starts, without starting anything.
enum ConfigCommand {
    static let usage = """
        usage: exchange-gateway config check FILE [--strict]

        Validates FILE as a gateway config and runs every check `serve` runs before it
        starts that needs no network: the files it names exist and hold the right kind of
        key or certificate, the audit folder is writable, and the listener's address can be
        bound. Prints a summary, any warnings (demo keys, TLS off beyond loopback, an
        unsigned or relative audit log) and notes (a role that reads everything unmasked,
        the port in use right now, perhaps by the gateway this config is for) and exits 0;
        prints the first problem with its key path and exits 1. With --strict a warning
        fails the check too; a note never does.
        """

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        guard arguments.positional() == "check" else { throw ArgumentError("usage: exchange-gateway config check FILE [--strict]") }
        let strict = arguments.flag("--strict")
        let path = try arguments.requiredPositional("config FILE")
        try arguments.finish()
        let config: GatewayConfig
        do {
            config = try GatewayConfig.load(path: path)
            _ = try StartupFiles(config: config)
        } catch {
            Terminal.fail("\(path): \(error)", program: ExchangeGateway.program)
        }
        let warnings = ConfigWarnings.of(config)
        var notes = ConfigWarnings.notes(of: config)
        do {
            try HTTPServer.checkListenable(host: config.listen.host, port: config.listen.port)
        } catch .addressInUse {
            // The gateway this config is for may be the one running: `serve` would fail, a reload
            // would not, so a pipeline checking a config before `systemctl reload` must still pass.
            notes.append("listen: \(config.listen.host):\(config.listen.port) is in use right now (a gateway already running?)")
        } catch {
            Terminal.fail("\(path): listen: \(error)", program: ExchangeGateway.program)
        }
        let sources = config.sources.map { "\($0.name) (\($0.baseURL), timeout \($0.timeoutMs) ms)" }
        Terminal.print("""
            \(path): valid
              listen: \(config.listen.host):\(config.listen.port)
              deadline: \(config.deadlineMs) ms
              sources: \(sources.joined(separator: ", "))
            """ + warnings.map { "\n  warning: " + $0 }.joined() + notes.map { "\n  note: " + $0 }.joined())
        if strict, !warnings.isEmpty {
            Terminal.fail("\(path): \(warnings.count) warning(s), which --strict makes errors", program: ExchangeGateway.program)
        }
    }
}
