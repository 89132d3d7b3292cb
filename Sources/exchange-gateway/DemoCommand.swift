import CLISupport
import DepartmentStubs
import Gateway
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Glibc
import UpstreamClient

/// `exchange-gateway demo`: the whole path on loopback, in one process — three stub
/// departments, a gateway on the bundled config, and a clerk asking for two dossiers.
enum DemoCommand {
    static let usage = """
        usage: exchange-gateway demo [--config FILE] [--fixtures DIR]

        Starts the three stub departments and a gateway on free loopback ports, fetches
        the dossier of LA2023001 and of a fault case (the tax bureau never answers),
        prints both as `dossier` does, shuts everything down, and shows and verifies the audit log it
        wrote (in a new temporary folder, signed with a throwaway key).
        """

    static let cases = [
        ("LA2023001", "an ordinary property: all three departments answer"),
        (Fault.timeout.propertyID(for: .tax), "the tax bureau holds the connection and never answers"),
    ]

    static func run(_ arguments: consuming Arguments) async {
        var arguments = arguments
        if arguments.wantsHelp() { return Terminal.print(usage) }
        let configPath: String?, fixturesPath: String?
        do throws(ArgumentError) {
            configPath = try arguments.option("--config")
            fixturesPath = try arguments.option("--fixtures")
            try arguments.finish()
        } catch {
            Terminal.fail(error.description, program: ExchangeGateway.program, code: 2)
        }
        var config = ExchangeGateway.loadConfig(ExchangeGateway.configPath(configPath))
        do {
            let fixtures = try FixtureStore(directory: fixturesPath ?? BundledFile.locate("stubs/fixtures"))
            let stubs = try await DepartmentStubs(fixtures: fixtures)
            config.listen = ListenConfig(host: "127.0.0.1", port: 0)
            let auditFolder = try temporaryFolder()
            let signingKey = Ed25519.PrivateKey.generate()
            try FileBytes.createNew(auditFolder + "/signing.key", contents: Array(signingKey.pemRepresentation.utf8), mode: 0o600)
            config.audit = AuditConfig(path: auditFolder + "/audit.jsonl", signingKeyFile: auditFolder + "/signing.key")
            for index in config.sources.indices {
                if let department = Department(rawValue: config.sources[index].name) {
                    config.sources[index].baseURL = "http://127.0.0.1:\(stubs[department].port)"
                }
            }
            let gateway = try await GatewayServer(config: config)
            Terminal.print("Stub departments on ports " + Department.allCases.map { "\($0.rawValue) \(stubs[$0].port)" }.joined(separator: ", ")
                           + "; gateway on 127.0.0.1:\(gateway.port)\n")
            let client = UpstreamClient()
            for (propertyID, story) in cases {
                await show(propertyID, story: story, gatewayPort: gateway.port, deadlineMs: config.deadlineMs, client: client)
            }
            client.shutdown()
            await gateway.shutdown(gracePeriod: .seconds(1))
            await stubs.shutdown()
            showAudit(config.audit, publicKey: signingKey.publicKey)
        } catch {
            Terminal.fail("demo failed: \(error)", program: ExchangeGateway.program)
        }
    }

    /// Prints the audit lines the demo produced and verifies their chain and signatures.
    private static func showAudit(_ audit: AuditConfig, publicKey: Ed25519.PublicKey) {
        let path = audit.directory + "/" + audit.fileName(firstSeq: 1)
        let content = FileBytes.read(path) ?? []
        Terminal.print("Audit log \(path):")
        for line in content.split(separator: UInt8(ascii: "\n")) {
            Terminal.print("  " + String(decoding: line, as: UTF8.self))
        }
        let report = AuditVerifier.verify(files: [(path, content)], publicKeys: [publicKey])
        Terminal.print(report.problem.map { "  verify: TAMPERED \($0)" }
                       ?? "  verify: intact, \(report.lines) lines, \(report.verifiedSignatures) checkpoint signature(s) verified")
    }

    private static func temporaryFolder() throws(DemoError) -> String {
        var template = Array("/tmp/exchange-gateway-demo-XXXXXX".utf8CString)
        guard let folder = mkdtemp(&template) else { throw DemoError("cannot create a temporary folder") }
        return String(cString: folder)
    }

    private static func show(_ propertyID: String, story: String, gatewayPort: Int, deadlineMs: Int, client: UpstreamClient) async {
        let path = "/v1/properties/\(propertyID)/dossier"
        let request = UpstreamRequest(source: "gateway", url: "http://127.0.0.1:\(gatewayPort)\(path)",
                                      timeoutMs: deadlineMs + 2000, connectTimeoutMs: 1000, maxResponseBytes: 8 << 20,
                                      headers: ["Authorization: Bearer \(DemoKeys.clerk)", "X-Purpose: 演示 demo"])
        let answer = await client.fetch(request)
        Terminal.print("GET \(path)  — \(story)")
        guard let dossier = answer.data else {
            return Terminal.print("  no dossier: \(answer.error ?? answer.status.rawValue)\n")
        }
        DossierSummary.lines(of: dossier, httpStatus: answer.httpStatus ?? 0, latencyMs: answer.latencyMs).forEach(Terminal.print)
        Terminal.print("")
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
