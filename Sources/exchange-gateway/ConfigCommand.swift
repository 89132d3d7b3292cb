import CLISupport
import GatewayCore

/// `exchange-gateway config check FILE`: validate without starting anything.
enum ConfigCommand {
    static let usage = """
        usage: exchange-gateway config check FILE

        Validates FILE as a gateway config. Prints a summary and exits 0 if it is valid;
        prints the first problem with its key path and exits 1 if not.
        """

    static func run(_ arguments: consuming Arguments) throws(ArgumentError) {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        guard arguments.positional() == "check" else { throw ArgumentError("usage: exchange-gateway config check FILE") }
        let path = try arguments.requiredPositional("config FILE")
        try arguments.finish()
        do {
            let config = try GatewayConfig.load(path: path)
            let sources = config.sources.map { "\($0.name) (\($0.baseURL), timeout \($0.timeoutMs) ms)" }
            Terminal.print("""
                \(path): valid
                  listen: \(config.listen.host):\(config.listen.port)
                  deadline: \(config.deadlineMs) ms
                  sources: \(sources.joined(separator: ", "))
                """)
        } catch {
            Terminal.fail("\(path): \(error)", program: ExchangeGateway.program)
        }
    }
}
