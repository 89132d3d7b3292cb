import CLISupport
import Gateway
import GatewayCore

/// `exchange-gateway serve`: listen until SIGINT or SIGTERM, then drain and stop.
enum ServeCommand {
    static let usage = """
        usage: exchange-gateway serve [--config FILE]

        Runs the gateway with FILE (default: config/gateway.json) until SIGINT or SIGTERM.
        """

    static func run(_ arguments: consuming Arguments) async {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let configPath: String?
        do throws(ArgumentError) {
            configPath = try arguments.option("--config")
            try arguments.finish()
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program, code: 2)
        }
        let config = ExchangeGateway.loadConfig(configPath)
        let gateway: GatewayServer
        do {
            gateway = try GatewayServer(config: config)
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program)
        }
        EventLog.info("listening", ["address": "\(config.listen.host):\(gateway.port)",
                                    "sources": config.sources.map(\.name).joined(separator: ",")])
        let signal = await ShutdownSignal.wait()
        EventLog.info("shutting down", ["signal": String(signal)])
        await gateway.shutdown()
        EventLog.info("stopped", [:])
    }
}
