import CLISupport
import Gateway
import GatewayCore

/// `exchange-gateway serve`: listen until SIGINT or SIGTERM, then drain and stop.
enum ServeCommand {
    static let usage = """
        usage: exchange-gateway serve [--config FILE]

        Runs the gateway with FILE (default: config/gateway.json). SIGHUP reloads FILE
        (clients, roles, sources, limits; an invalid file is logged and the old config kept).
        SIGINT or SIGTERM drains in-flight requests (up to server.drain_timeout_s), closes the
        audit log and exits 0.
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
        let path = ExchangeGateway.configPath(configPath)
        let config = ExchangeGateway.loadConfig(path)
        let gateway: GatewayServer
        do {
            gateway = try await GatewayServer(config: config)
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program)
        }
        EventLog.info("listening", ["address": "\(config.listen.host):\(gateway.port)",
                                    "sources": config.sources.map(\.name).joined(separator: ",")])
        // After the start, so a start that fails says one line: what to fix.
        for warning in ConfigWarnings.of(config) {
            EventLog.warning(warning, ["path": path])
        }
        for note in ConfigWarnings.notes(of: config) {
            EventLog.info(note, ["path": path])
        }
        let reload = ReloadSignal {
            do {
                try gateway.reload(GatewayConfig.load(path: path))
                EventLog.info("config reloaded", ["path": path])
            } catch {
                EventLog.error("config reload rejected; keeping the running config", ["path": path, "reason": "\(error)"])
            }
        }
        let signal = await ShutdownSignal.wait()
        reload.cancel()
        EventLog.info("shutting down", ["signal": String(signal)])
        await gateway.shutdown()
        EventLog.info("stopped", [:])
    }
}
