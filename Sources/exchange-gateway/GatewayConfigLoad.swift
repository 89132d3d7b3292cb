import CLISupport
import GatewayCore

/// A config file read for a command: valid, or the command ends with the reason.
struct GatewayConfigLoad {
    let path: String
    let config: GatewayConfig

    init(path: String) {
        self.path = path
        do {
            config = try GatewayConfig.load(path: path)
        } catch {
            Terminal.fail("invalid config \(path): \(error)", program: ExchangeGateway.program)
        }
    }
}
