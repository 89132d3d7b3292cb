import DepartmentStubs
import Gateway
import Foundation
import GatewayCore
import HTTPServer
import Testing

/// TLS on both sides: the gateway's listener (TLS 1.3 only by default) and HTTPS to departments.
@Suite(.endsWhatItStarts) struct TLSTests {
    /// A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI.
    struct Certificate {
        let directory: String
        var certFile: String { directory + "/cert.pem" }
        var keyFile: String { directory + "/key.pem" }

        static func make() async throws -> Certificate {
            let directory = TestEnvironment.temporaryDirectory()
            let made = try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                                          "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                          "-addext", "subjectAltName=IP:127.0.0.1",
                                                          "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"])
            #expect(made.status == 0, "openssl req failed: \(made.output)")
            return Certificate(directory: directory)
        }

        func serverTLS() throws -> HTTPServer.TLS {
            HTTPServer.TLS(certificatePEM: try String(contentsOfFile: certFile, encoding: .utf8),
                           privateKeyPEM: try String(contentsOfFile: keyFile, encoding: .utf8))
        }
    }

    static func openssl(_ arguments: [String]) async throws -> ExternalTool.Run {
        try await ExternalTool.system("/usr/bin/openssl").run(arguments, timeLimit: .seconds(30))
    }

    /// The listener speaks TLS 1.3, refuses a TLS 1.2-only client, and serves dossiers over HTTPS.
    @Test func listenerIsTLS13Only() async throws {
        let certificate = try await Certificate.make()
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.tls = TLSConfig(certFile: certificate.certFile, keyFile: certificate.keyFile)
            return config
        }
        let address = "127.0.0.1:\(environment.gateway.port)"

        let tls13 = try await Self.openssl(["s_client", "-connect", address, "-tls1_3", "-CAfile", certificate.certFile, "-brief"])
        #expect(tls13.status == 0, "\(tls13.output)")
        #expect(tls13.output.contains("TLSv1.3"))
        let tls12 = try await Self.openssl(["s_client", "-connect", address, "-tls1_2", "-CAfile", certificate.certFile, "-brief"])
        #expect(tls12.status != 0, "a TLS 1.2 handshake must fail: \(tls12.output)")

        let dossier = try await ExternalTool.system("/usr/bin/curl").run(["-sS", "--cacert", certificate.certFile, "-o", "/dev/null", "-w", "%{http_code}",
                                                           "-H", "Authorization: Bearer \(TestEnvironment.Key.clerk)", "-H", "X-Purpose: tls test",
                                                           "https://\(address)/v1/properties/LA2023001/dossier"])
        #expect(dossier.output == "200")
    }

    /// With `min_version` 1.2 the listener accepts a TLS 1.2 client too.
    @Test func listenerMayAllowTLS12() async throws {
        let certificate = try await Certificate.make()
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.tls = TLSConfig(certFile: certificate.certFile, keyFile: certificate.keyFile, minimumVersion: .tls12)
            return config
        }
        let tls12 = try await Self.openssl(["s_client", "-connect", "127.0.0.1:\(environment.gateway.port)", "-tls1_2",
                                                            "-CAfile", certificate.certFile, "-brief"])
        #expect(tls12.status == 0, "\(tls12.output)")
        #expect(tls12.output.contains("TLSv1.2"))
    }

    /// Departments on HTTPS: trusted through the configured CA they answer; without it the
    /// certificate check fails and the source is `unavailable` — verification is never skipped.
    @Test func upstreamHTTPSVerifiesCertificates() async throws {
        let certificate = try await Certificate.make()
        let environment = try await TestEnvironment.start(stubTLS: certificate.serverTLS()) { stubs in
            var config = TestEnvironment.config(for: stubs)
            for index in config.sources.indices {
                config.sources[index].baseURL = config.sources[index].baseURL.replacing("http://", with: "https://")
                // Handshakes of a debug build on two busy cores can outlast the 300 ms default.
                config.sources[index].connectTimeoutMs = 1500
                if config.sources[index].name != "house" {
                    config.sources[index].tls = UpstreamTLSConfig(caFile: certificate.certFile)
                }
            }
            return config
        }
        let response = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(response.status == 200)
        let sources = try #require(try response.json()["sources"])
        #expect(sources["land"]?["status"]?.string == "ok", "\(sources.encodedString())")
        #expect(sources["tax"]?["status"]?.string == "ok")
        #expect(sources["house"]?["status"]?.string == "unavailable")
        #expect(sources["house"]?["error"]?.string?.contains("TLS") == true)
    }

    /// A reload that changes a department's TLS settings reaches its calls: its transfers come
    /// from a template made for the new settings (the CA file is an option of the template alone),
    /// and taking the CA away again fails the check again, also with a verified connection to
    /// the department still open.
    @Test func reloadedTLSSettingsReachTheCalls() async throws {
        let certificate = try await Certificate.make()
        let trusted = UpstreamTLSConfig(caFile: certificate.certFile)
        let environment = try await TestEnvironment.start(stubTLS: certificate.serverTLS()) { stubs in
            var config = TestEnvironment.config(for: stubs)
            for index in config.sources.indices {
                config.sources[index].baseURL = config.sources[index].baseURL.replacing("http://", with: "https://")
                config.sources[index].connectTimeoutMs = 1500
                if config.sources[index].name != "house" { config.sources[index].tls = trusted }
            }
            return config
        }
        func reload(houseTLS: UpstreamTLSConfig?) throws {
            var config = environment.gateway.config
            for index in config.sources.indices where config.sources[index].name == "house" { config.sources[index].tls = houseTLS }
            try environment.gateway.reload(config)
        }
        func houseStatus() async throws -> String? {
            try await environment.get("/v1/properties/LA2023001/dossier").json()["sources"]?["house"]?["status"]?.string
        }
        #expect(try await houseStatus() == "unavailable")
        try reload(houseTLS: trusted)
        #expect(try await houseStatus() == "ok")
        try reload(houseTLS: nil)
        #expect(try await houseStatus() == "unavailable")
    }
}
