import Foundation
import Glibc
import GatewayCore
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

        /// The second department over HTTPS with `files` (key → file name in `folder`) as its `tls`.
        func departmentTLS(_ files: [String: String]) -> (JSON) -> Void {
            { root in
                guard let source = root["sources"]?.elements.dropFirst().first else { return }
                source["base_url"] = JSON("https://127.0.0.1:9102")
                let tls = JSON.object()
                for (key, name) in files { tls[key] = JSON(folder + "/" + name) }
                source["tls"] = tls
            }
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
        ("signing key that is a named pipe", "audit.signing_key_file", "is not a regular file"),
        ("TLS key that is a device", "tls.key_file", "is not a regular file"),
        ("TLS certificate too large to be one", "tls.cert_file", "is larger than 16777216 bytes"),
        ("department CA file missing", "sources[1].tls.ca_file", "cannot be read (No such file or directory)"),
        ("department CA file that is a key", "sources[1].tls.ca_file", "not a readable PEM certificate"),
        ("department client key of another certificate", "sources[1].tls.client_key_file", "does not belong to the certificate"),
        ("witness folder under a file", "audit.witness_file", "is not a folder"),
    ])
    func wrongFilesAreNamed(_ scenario: String, key: String, reason: String) async throws {
        let setup = try await Setup.make()
        let path = try setup.config("wrong") { root in
            switch scenario {
            case "public key as signing key": root["audit"]?["signing_key_file"] = JSON(setup.folder + "/signing.pub")
            case "TLS key of another certificate": setup.tls(certificate: "cert.pem", key: "other.key")(root)
            case "TLS certificate that is a key": setup.tls(certificate: "key.pem", key: "key.pem")(root)
            case "signing key that is a named pipe":
                #expect(mkfifo(setup.folder + "/pipe.key", 0o600) == 0)
                root["audit"]?["signing_key_file"] = JSON(setup.folder + "/pipe.key")
            case "TLS key that is a device": root["tls"] = JSON.object(["cert_file": JSON(setup.folder + "/cert.pem"), "key_file": JSON("/dev/zero")])
            case "TLS certificate too large to be one":
                #expect(FileManager.default.createFile(atPath: setup.folder + "/huge.pem", contents: nil))
                #expect(truncate(setup.folder + "/huge.pem", 1 << 30) == 0)
                setup.tls(certificate: "huge.pem", key: "key.pem")(root)
            case "department CA file missing": setup.departmentTLS(["ca_file": "missing-ca.pem"])(root)
            case "department CA file that is a key": setup.departmentTLS(["ca_file": "key.pem"])(root)
            case "department client key of another certificate":
                setup.departmentTLS(["ca_file": "cert.pem", "client_cert_file": "cert.pem", "client_key_file": "other.key"])(root)
            case "witness folder under a file": root["audit"]?["witness_file"] = JSON(setup.folder + "/signing.key/witness/audit-witness.jsonl")
            default: root["audit"]?["path"] = JSON(setup.folder + "/signing.key/audit.jsonl")
            }
        }
        let serve = try await CommandLineTests.run("exchange-gateway", ["serve", "--config", path], timeout: .seconds(20))
        #expect(serve.status == 1)
        #expect(serve.errors.hasPrefix("exchange-gateway: \(key) "), "\(serve.errors)")
        #expect(serve.errors.contains(reason), "\(serve.errors)")
        #expect(serve.errors.split(separator: "\n").count == 1, "\(serve.errors)")
        let check = try await CommandLineTests.run("exchange-gateway", ["config", "check", path], timeout: .seconds(20))
        #expect(check.status == 1)
        #expect(check.errors.hasPrefix("exchange-gateway: \(path): \(key) "), "\(check.errors)")
        #expect(check.errors.contains(reason), "\(check.errors)")
    }

    /// A config read from a device or an endless stream, or whose key hash file is a named pipe, is
    /// one line and exit 1, never a crash on running out of memory or a start that waits forever.
    @Test func endlessOrBlockingFilesAreRefused() async throws {
        let setup = try await Setup.make()
        #expect(mkfifo(setup.folder + "/hash.pipe", 0o600) == 0)
        let pipedHash = try setup.config("piped-hash") { root in
            let client = root["clients"]?.elements.first
            client?["api_key_sha256"] = nil
            client?["api_key_sha256_file"] = JSON(setup.folder + "/hash.pipe")
        }
        for (config, expected) in [("/dev/zero", "cannot read config file /dev/zero: is larger than 16777216 bytes"),
                                   (pipedHash, "clients[0].api_key_sha256_file: cannot read secret file \(setup.folder)/hash.pipe: is not a regular file")] {
            for command in [["serve", "--config", config], ["config", "check", config]] {
                let run = try await CommandLineTests.run("exchange-gateway", command, timeout: .seconds(20))
                #expect(run.status == 1, "\(command): \(run)")
                #expect(run.errors.contains(expected), "\(command): \(run.errors)")
                #expect(run.errors.split(separator: "\n").count == 1, "\(command): \(run.errors)")
                for crash in Self.crashText {
                    #expect(!run.errors.contains(crash), "\(command): \(run.errors)")
                }
            }
        }
    }

    /// A reload is held to the departments' files as a start is: a CA file that is not there is
    /// refused with its key and path, and the running config kept.
    @Test func reloadChecksTheDepartmentsFiles() async throws {
        let environment = try await TestEnvironment.start()
        var changed = environment.gateway.config
        changed.sources[0].tls = UpstreamTLSConfig(caFile: "/nonexistent/ca.pem")
        let error = try #require(throws: ConfigError.self) { try environment.gateway.reload(changed) }
        #expect("\(error)".contains("sources[0].tls.ca_file /nonexistent/ca.pem: cannot be read"), "\(error)")
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200)
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

    /// Each warning on its own fails `config check --strict`, from a copy that has none: no demo
    /// key, a signed audit log at an absolute path, loopback (notes do not count).
    @Test(arguments: ["clients: demo-registration-desk accepts a public demo key", "tls: off while listening on 0.0.0.0",
                      "audit.signing_key_file: not set", "audit.path: var/audit-strict-test/audit.jsonl is relative",
                      "server.trusted_proxies: 0.0.0.0/0 trusts every address"])
    func strictFailsOnEachWarning(_ warning: String) async throws {
        let setup = try await Setup.make()
        let bundled = try setup.config("bundled")
        let bundledRoot = try JSON.parse(Array(try String(contentsOfFile: bundled, encoding: .utf8).utf8))
        let demoHash = try #require(bundledRoot["clients"]?.elements.first?["api_key_sha256"]?.string)
        let clean: (JSON) -> Void = { root in
            for (index, client) in (root["clients"]?.elements ?? []).enumerated() {
                client["api_key_sha256"] = JSON(String(repeating: String(index + 1), count: 64))
            }
        }
        let quiet = try await CommandLineTests.run("exchange-gateway", ["config", "check", "--strict", try setup.config("clean", clean)])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(!quiet.output.contains("warning"), "\(quiet.output)")
        let path = try setup.config("one-warning") { root in
            clean(root)
            switch warning {
            case _ where warning.hasPrefix("clients"): root["clients"]?.elements.first?["api_key_sha256"] = JSON(demoHash)
            case _ where warning.hasPrefix("tls"): root["listen"]?["host"] = JSON("0.0.0.0")
            case _ where warning.hasPrefix("audit.signing_key_file"): root["audit"]?["signing_key_file"] = nil
            case _ where warning.hasPrefix("audit.path"): root["audit"]?["path"] = JSON("var/audit-strict-test/audit.jsonl")
            case _ where warning.hasPrefix("server"): root["server"]?["trusted_proxies"] = JSON.array([JSON("0.0.0.0/0")])
            default: break
            }
        }
        let relaxed = try await CommandLineTests.run("exchange-gateway", ["config", "check", path])
        #expect(relaxed.status == 0, "\(relaxed)")
        #expect(relaxed.output.components(separatedBy: "  warning: ").count == 2, "exactly one warning: \(relaxed.output)")
        #expect(relaxed.output.contains(warning), "\(relaxed.output)")
        let strict = try await CommandLineTests.run("exchange-gateway", ["config", "check", "--strict", path])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.errors == "exchange-gateway: \(path): 1 warning(s), which --strict makes errors\n", "\(strict.errors)")
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
