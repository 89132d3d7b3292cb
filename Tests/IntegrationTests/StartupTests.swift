import Foundation
import Glibc
import GatewayCrypto
import GatewayJSON
import Testing

/// Start-up failures of `serve` and the same checks in `config check` (README "Command line"):
/// one clear line and a non-zero exit, never a crash, and nothing opened that a failed start
/// would have to undo.
@Suite(.endsWhatItStarts) struct StartupTests {
    /// A folder holding a signing key pair, a matching TLS pair and a second key, and configs
    /// (the bundled one, on a free port, auditing into the folder) written into it.
    struct Setup {
        let folder: String
        let port: Int
        var auditFolder: String { folder + "/audit" }

        static func make() async throws -> Setup {
            let folder = TestEnvironment.temporaryDirectory()
            let key = Ed25519.PrivateKey.generate()
            try key.pemRepresentation.write(toFile: folder + "/signing.key", atomically: true, encoding: .utf8)
            try key.publicKey.pemRepresentation.write(toFile: folder + "/signing.pub", atomically: true, encoding: .utf8)
            let certificate = try await TLSTests.Certificate.make()
            for name in ["cert.pem", "key.pem"] {
                try FileManager.default.copyItem(atPath: certificate.directory + "/" + name, toPath: folder + "/" + name)
            }
            let other = try await TLSTests.openssl(["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                                     "-out", folder + "/other.key"])
            #expect(other.status == 0, "\(other)")
            return Setup(folder: folder, port: try freeLoopbackPort())
        }

        /// The bundled config on `port`, auditing into `auditFolder` signed with `signing.key`, then `change`d.
        func config(_ name: String, _ change: (JSON) -> Void = { _ in }) throws -> String {
            let root = try JSON.parse(Array(try String(contentsOfFile: TestEnvironment.repositoryRoot + "/config/gateway.json",
                                                       encoding: .utf8).utf8))
            root["listen"]?["port"] = JSON(port)
            root["audit"]?["path"] = JSON(auditFolder + "/audit.jsonl")
            root["audit"]?["signing_key_file"] = JSON(folder + "/signing.key")
            change(root)
            let path = folder + "/" + name + ".json"
            try root.encodedString().write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func tls(certificate: String, key: String) -> (JSON) -> Void {
            { root in root["tls"] = JSON.object(["cert_file": JSON(folder + "/" + certificate), "key_file": JSON(folder + "/" + key)]) }
        }
    }

    /// What a crash leaves on stderr: the Swift runtime's report, a signal's name, a backtrace.
    static let crashText = ["Fatal error", "Segmentation", "Illegal instruction", "Aborted", "backtrace", "Stack dump", "Crash"]

    /// A failed start, 10 times over (the reported crash was the audit writer still signing while
    /// the process exited, in 5 of 5 runs): exit 1 with one line naming the problem, and no audit
    /// file, because nothing is opened before the checks pass.
    @Test(arguments: ["missing TLS certificate", "port in use"])
    func failedStartExitsWithOneLine(_ scenario: String) async throws {
        let setup = try await Setup.make()
        let path: String, expected: String
        var listener: Int32 = -1
        if scenario == "port in use" {
            listener = try Self.listen(on: setup.port)
            path = try setup.config(scenario)
            expected = "cannot listen on 127.0.0.1:\(setup.port): the port is in use"
        } else {
            path = try setup.config(scenario, setup.tls(certificate: "missing.pem", key: "key.pem"))
            expected = "tls.cert_file \(setup.folder)/missing.pem: cannot be read"
        }
        defer { if listener >= 0 { close(listener) } }
        for attempt in 1...10 {
            let run = try await CommandLineTests.run("exchange-gateway", ["serve", "--config", path])
            #expect((1..<128).contains(run.status), "attempt \(attempt): exit \(run.status)")
            #expect(run.errors.hasPrefix("exchange-gateway: \(expected)"), "attempt \(attempt): \(run.errors)")
            #expect(run.errors.split(separator: "\n").count == 1, "attempt \(attempt): \(run.errors)")
            for crash in Self.crashText {
                #expect(!run.errors.contains(crash), "attempt \(attempt): \(run.errors)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: setup.auditFolder), "a failed start opened the audit log")
    }

    /// Each file the config names is checked for what it must hold, by `serve` and `config check` alike.
    @Test(arguments: [
        ("public key as signing key", "audit.signing_key_file", "is a public key"),
        ("TLS key of another certificate", "tls.key_file", "does not belong to the certificate"),
        ("TLS certificate that is a key", "tls.cert_file", "not a readable PEM certificate"),
        ("audit folder that is a file", "audit.path", "is not a folder"),
    ])
    func wrongFilesAreNamed(_ scenario: String, key: String, reason: String) async throws {
        let setup = try await Setup.make()
        let path = try setup.config("wrong") { root in
            switch scenario {
            case "public key as signing key": root["audit"]?["signing_key_file"] = JSON(setup.folder + "/signing.pub")
            case "TLS key of another certificate": setup.tls(certificate: "cert.pem", key: "other.key")(root)
            case "TLS certificate that is a key": setup.tls(certificate: "key.pem", key: "key.pem")(root)
            default: root["audit"]?["path"] = JSON(setup.folder + "/signing.key/audit.jsonl")
            }
        }
        let serve = try await CommandLineTests.run("exchange-gateway", ["serve", "--config", path])
        #expect(serve.status == 1)
        #expect(serve.errors.hasPrefix("exchange-gateway: \(key) "), "\(serve.errors)")
        #expect(serve.errors.contains(reason), "\(serve.errors)")
        #expect(serve.errors.split(separator: "\n").count == 1, "\(serve.errors)")
        let check = try await CommandLineTests.run("exchange-gateway", ["config", "check", path])
        #expect(check.status == 1)
        #expect(check.errors.hasPrefix("exchange-gateway: \(path): \(key) "), "\(check.errors)")
        #expect(check.errors.contains(reason), "\(check.errors)")
    }

    /// A config whose files are all right starts; `config check` passes it.
    @Test func rightFilesPass() async throws {
        let setup = try await Setup.make()
        let path = try setup.config("right", setup.tls(certificate: "cert.pem", key: "key.pem"))
        let check = try await CommandLineTests.run("exchange-gateway", ["config", "check", path])
        #expect(check.status == 0, "\(check.errors)")
        #expect(check.output.contains("\(path): valid"))
    }

    /// `config check` warns about the bundled config's demo keys (and, on a copy, about TLS off
    /// beyond loopback, an unsigned and relative audit log) and notes the auditor role that sees
    /// everything and a port in use; `--strict` turns the warnings into a failure, never the notes.
    @Test func warningsAndStrict() async throws {
        let bundled = try await CommandLineTests.run("exchange-gateway", ["config", "check", "config/gateway.json"])
        #expect(bundled.status == 0)
        for warning in ["clients: demo-registration-desk accepts a public demo key", "clients: demo-audit-office accepts a public demo key",
                        "clients: demo-land-registry accepts a public demo key",
                        "audit.signing_key_file: not set", "audit.path: var/audit/audit.jsonl is relative"] {
            #expect(bundled.output.contains("  warning: " + warning), "\(bundled.output)")
        }
        #expect(bundled.output.contains("  note: roles.auditor: sees every field of every source (view \"all\")"), "\(bundled.output)")
        #expect(!bundled.output.contains("tls: off"), "127.0.0.1 is loopback")
        let strict = try await CommandLineTests.run("exchange-gateway", ["config", "check", "--strict", "config/gateway.json"])
        #expect(strict.status == 1)
        #expect(strict.errors == "exchange-gateway: config/gateway.json: 5 warning(s), which --strict makes errors\n")

        let setup = try await Setup.make()
        let exposed = try setup.config("exposed") { root in root["listen"]?["host"] = JSON("0.0.0.0") }
        let listener = try Self.listen(on: setup.port)
        defer { close(listener) }
        let run = try await CommandLineTests.run("exchange-gateway", ["config", "check", exposed])
        #expect(run.status == 0)
        #expect(run.output.contains("  warning: tls: off while listening on 0.0.0.0"), "\(run.output)")
        #expect(run.output.contains("  note: listen: 0.0.0.0:\(setup.port) is in use right now"), "\(run.output)")
        #expect(!run.output.contains("audit.signing_key_file"), "the copy signs its audit log")
    }

    /// A production config as the README's walk-through makes it (TLS, a signed audit log at an
    /// absolute path, its own client keys, an auditor role that sees everything), checked while
    /// its gateway runs (the port in use): `--strict` passes, with both said as notes.
    @Test func strictPassesDeliberateSettings() async throws {
        let setup = try await Setup.make()
        let hash = { (key: String) in JSON(Hex.encode(Digest.sha256(Array(key.utf8)))) }
        let production = try setup.config("production") { root in
            setup.tls(certificate: "cert.pem", key: "key.pem")(root)
            root["clients"] = JSON.array([JSON.object(["id": JSON("registration-desk-01"), "role": JSON("clerk"), "api_key_sha256": hash("desk key")]),
                                          JSON.object(["id": JSON("audit-office"), "role": JSON("auditor"), "api_key_sha256": hash("audit key")])])
        }
        let listener = try Self.listen(on: setup.port)
        defer { close(listener) }
        let strict = try await CommandLineTests.run("exchange-gateway", ["config", "check", "--strict", production])
        #expect(strict.status == 0, "\(strict.output)\(strict.errors)")
        #expect(!strict.output.contains("warning:"), "\(strict.output)")
        #expect(strict.output.contains("  note: roles.auditor: sees every field") && strict.output.contains("  note: listen: 127.0.0.1:\(setup.port) is in use"),
                "\(strict.output)")
    }

    /// A socket listening on loopback `port`, as a running gateway would hold it.
    static func listen(on port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 16) == 0 else {
            close(socket)
            throw RawHTTPError.connectFailed(errno)
        }
        return socket
    }
}
