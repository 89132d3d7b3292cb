import DepartmentStubs
import Foundation
import Glibc
import GatewayCrypto
import GatewayJSON

/// `exchange-gateway serve` as a child process, for tests that kill it. If a test fails before
/// it ends the process, deinit kills it, so no gateway outlives its test holding a port.
// @unchecked: `process` is started in `init` and afterwards only signalled and waited on.
final class GatewayProcess: @unchecked Sendable {
    private let process: Process
    private let errors: PipeReader
    let port: Int

    init(configPath: String, port: Int) throws {
        let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let process = Process()
        process.executableURL = directory.appendingPathComponent("exchange-gateway")
        process.arguments = ["serve", "--config", configPath]
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        self.process = process
        errors = PipeReader(pipe)
        self.port = port
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Polls `/readyz` for up to 10 s.
    func waitUntilReady() async throws {
        for _ in 0..<100 {
            if let response = try? await httpGet(port, "/readyz"), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RawHTTPError.malformed("gateway on port \(port) did not become ready")
    }

    func kill(signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Everything the process wrote to stderr, once it has ended.
    func standardError() -> String {
        errors.text()
    }

    /// The exit status (or -signal), after waiting for the process to end.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    /// The clerk's `views` of the bundled config/gateway.json, as JSON text.
    static let bundledClerkViews: String = {
        let text = try! String(contentsOfFile: TestEnvironment.repositoryRoot + "/config/gateway.json", encoding: .utf8)
        return try! JSON.parse(text)["roles"]!["clerk"]!["views"]!.encodedString()
    }()

    /// A config file for a gateway on `port` in front of `stubs`, auditing into `auditFolder`
    /// signed with `auditFolder/signing.key`; the clients are the test environment's, the clerk's
    /// views the bundled config's.
    /// `extraAudit` adds (or replaces) members of the `audit` object, each value written as JSON text.
    static func writeConfig(for stubs: DepartmentStubs, port: Int, auditFolder: String, to path: String,
                            extraClients: [(id: String, key: String)] = [], logLevel: String = "info",
                            extraAudit: [String: String] = [:]) throws {
        let sources = Department.allCases.map { department in
            #"{"name": "\#(department.rawValue)", "base_url": "http://127.0.0.1:\#(stubs[department].port)", "path": "\#(department.pathPrefix){property_id}", "timeout_ms": 1500}"#
        }
        let hash = { (key: String) in Hex.encode(Digest.sha256(Array(key.utf8))) }
        let audit = ["path": #""\#(auditFolder)/audit.jsonl""#, "signing_key_file": #""\#(auditFolder)/signing.key""#,
                     "checkpoint_every_records": "50"].merging(extraAudit) { $1 }
        let config = """
            {"listen": {"host": "127.0.0.1", "port": \(port)},
             "sources": [\(sources.joined(separator: ", "))],
             "roles": {"clerk": {"sources": ["land", "tax", "house"], "views": \(bundledClerkViews)}},
             "clients": [\(([(id: "desk-1", key: TestEnvironment.Key.clerk)] + extraClients).map { #"{"id": "\#($0.id)", "role": "clerk", "api_key_sha256": "\#(hash($0.key))"}"# }.joined(separator: ", "))],
             "log_level": "\(logLevel)",
             "limits": {"malformed_burst": 100000},
             "audit": {\(audit.sorted { $0.key < $1.key }.map { #""\#($0.key)": \#($0.value)"# }.joined(separator: ", "))}}
            """
        try config.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Reads a pipe to its end on another thread from the start: a pipe that nobody reads blocks
/// the writer once it holds 64 KiB.
// @unchecked: `collected` is written once by the reading thread before it signals `done`, and
// read only after waiting for `done`.
private final class PipeReader: @unchecked Sendable {
    private var collected = ""
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        DispatchQueue.global().async { [self] in
            collected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            done.signal()
        }
    }

    /// Everything read, once the writer closed its end.
    func text() -> String {
        done.wait()
        done.signal()
        return collected
    }
}

/// A folder with an audit signing key pair (`signing.key`, `signing.pub`), a free port and a
/// config for a gateway process in front of `stubs`.
struct GatewayProcessSetup {
    let folder: String
    let port: Int
    var configPath: String { folder + "/gateway.json" }
    var publicKeyPath: String { folder + "/signing.pub" }

    /// - Parameter extraAudit: members added to the config's `audit` object, as JSON values.
    init(for stubs: DepartmentStubs, extraAudit: [String: String] = [:]) throws {
        folder = TestEnvironment.temporaryDirectory()
        let key = Ed25519.PrivateKey.generate()
        try key.pemRepresentation.write(toFile: folder + "/signing.key", atomically: true, encoding: .utf8)
        try key.publicKey.pemRepresentation.write(toFile: folder + "/signing.pub", atomically: true, encoding: .utf8)
        port = try freeLoopbackPort()
        try GatewayProcess.writeConfig(for: stubs, port: port, auditFolder: folder, to: folder + "/gateway.json", extraAudit: extraAudit)
    }

    func start() async throws -> GatewayProcess {
        let gateway = try GatewayProcess(configPath: configPath, port: port)
        try await gateway.waitUntilReady()
        return gateway
    }
}

/// A loopback port that was free a moment ago.
func freeLoopbackPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            guard bind(socket, socketAddress, length) == 0, getsockname(socket, socketAddress, &length) == 0 else {
                throw RawHTTPError.connectFailed(errno)
            }
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
