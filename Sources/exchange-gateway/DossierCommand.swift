import CLISupport
import Gateway
import GatewayCore
import GatewayJSON
import Glibc
import UpstreamClient

/// `exchange-gateway dossier ID`: one dossier, fetched directly, printed as JSON.
enum DossierCommand {
    static let usage = """
        usage: exchange-gateway dossier ID [--config FILE] [--sources land,tax] [--role ROLE] [--json]

        Fetches the dossier of property ID from the departments in FILE (default:
        config/gateway.json) without starting a server, served through ROLE's views (default:
        clerk), and prints a readable summary (status per department, findings, the data), or with
        --json the dossier as the HTTP API answers it. Exits 0 when the dossier's HTTP status
        would be 200, 1 otherwise.

        An operator tool for the gateway's host: no API key, no purpose, and no audit record
        (ROLE auditor, whose view is all, prints personal data). Use the HTTP API for accountable access.
        """

    static func run(_ arguments: consuming Arguments) async {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let rawID: String, configPath: String?, sourceList: String?, roleName: String, asJSON: Bool
        do throws(ArgumentError) {
            asJSON = arguments.flag("--json")
            configPath = try arguments.option("--config")
            sourceList = try arguments.option("--sources")
            roleName = try arguments.option("--role") ?? "clerk"
            rawID = try arguments.requiredPositional("property ID")
            try arguments.finish()
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program, code: 2)
        }
        guard let propertyID = PropertyID(rawID) else {
            Terminal.fail(Problem.invalidPropertyID().detail, program: ExchangeGateway.program, code: 2)
        }
        let config = ExchangeGateway.loadConfig(ExchangeGateway.configPath(configPath))
        guard let role = config.roles[roleName] else {
            Terminal.fail("unknown role \(roleName); the config defines \(config.roles.keys.sorted().joined(separator: ", "))",
                          program: ExchangeGateway.program, code: 2)
        }
        let access: SourceAccess
        do {
            access = try SourceAccess(requested: SourceSelection.sources(named: sourceList, in: config), role: role)
        } catch {
            Terminal.fail(error.detail, program: ExchangeGateway.program, code: 2)
        }
        let client = UpstreamClient()
        let service = DossierService(config: config, client: client)
        let started = ContinuousClock.now
        let dossier = await service.dossier(for: propertyID, access: access, role: role, requestID: RequestID.generate(),
                                            trace: TraceContext(traceparent: nil), receivedAt: started)
        client.shutdown()
        let body = dossier.encoded()
        if asJSON {
            // Indented for a person: jansson reads the answer and writes it again.
            Terminal.print((try? JSON.parse(body))?.encodedString(pretty: true) ?? String(decoding: body, as: UTF8.self))
        } else {
            Terminal.print("\(propertyID.rawValue) (role \(roleName))")
            DossierSummary.lines(of: body, httpStatus: dossier.httpStatus,
                                 latencyMs: started.duration(to: .now).wholeMilliseconds).forEach(Terminal.print)
        }
        if dossier.httpStatus != 200 { exit(1) }
    }
}
