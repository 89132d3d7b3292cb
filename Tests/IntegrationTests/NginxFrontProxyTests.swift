import Foundation
import GatewayCore
import Testing

/// `deploy/nginx/exchange-gateway.conf`, as shipped, in front of a gateway on loopback: a real nginx
/// (installed by `.ci/install-test-tools`) terminates TLS and forwards; the gateway, trusting it,
/// audits the client's address, not nginx's (README "Deploy").
@Suite(.endsWhatItStarts) struct NginxFrontProxyTests {
    static let snippet = "deploy/nginx/exchange-gateway.conf"
    /// nginx connects to the gateway from this address, the client to nginx from the next: on
    /// loopback every 127/8 address is this machine, so the two can be told apart.
    static let nginxAddress = "127.0.0.2"
    static let clientAddress = "127.0.0.3"

    @Test(.timeLimit(.minutes(1))) func nginxFrontProxyServesTheGateway() async throws {
        let nginx = try ExternalTool.system("/usr/sbin/nginx")
        let curl = try ExternalTool.system("/usr/bin/curl")
        let certificate = try await TLSTests.Certificate.make()
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.server.trustedProxies = TrustedProxies([IPv4Network(Self.nginxAddress)!])
            return config
        }
        let prefix = TestEnvironment.temporaryDirectory()
        let port = try freeLoopbackPort()
        var snippet = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/" + Self.snippet, encoding: .utf8)
        for (shipped, here) in [("server 127.0.0.1:8080;", "server 127.0.0.1:\(environment.gateway.port);"),
                                ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
                                ("/etc/nginx/tls/exchange-gateway.crt", certificate.certFile),
                                ("/etc/nginx/tls/exchange-gateway.key", certificate.keyFile)] {
            #expect(snippet.ranges(of: shipped).count == 1, "the snippet no longer says \(shipped)")
            snippet = snippet.replacing(shipped, with: here)
        }
        try snippet.write(toFile: prefix + "/exchange-gateway.conf", atomically: true, encoding: .utf8)
        try """
            daemon off;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/tmp-body;
                proxy_temp_path \(prefix)/tmp-proxy;
                fastcgi_temp_path \(prefix)/tmp-fastcgi;
                uwsgi_temp_path \(prefix)/tmp-uwsgi;
                scgi_temp_path \(prefix)/tmp-scgi;
                proxy_bind \(Self.nginxAddress);
                include \(prefix)/exchange-gateway.conf;
            }
            """.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginxArguments = ["-p", prefix, "-c", prefix + "/nginx.conf"]
        let syntax = try await nginx.run(nginxArguments + ["-t"], timeLimit: .seconds(30))
        #expect(syntax.status == 0, "\(syntax)")
        // In the foreground, writing only to its error log in `prefix`: no pipe of ours reaches it.
        let running = Process()
        running.executableURL = URL(fileURLWithPath: nginx.path)
        running.arguments = nginxArguments
        running.standardInput = FileHandle.nullDevice
        running.standardOutput = FileHandle.nullDevice
        running.standardError = FileHandle.nullDevice
        try running.run()
        defer {
            // SIGTERM: nginx's fast shutdown, master and worker; a no-op once it has quit.
            running.terminate()
            running.waitUntilExit()
        }
        try await Self.waitUntilListening(port)

        let base = "https://127.0.0.1:\(port)"
        let common = ["-sS", "--cacert", certificate.certFile, "--interface", Self.clientAddress, "-o", "/dev/null", "-w", "%{http_code}"]
        let credentials = ["-H", "Authorization: Bearer \(TestEnvironment.Key.clerk)", "-H", "X-Purpose: nginx test"]
        // A forged X-Forwarded-For and a Forwarded header from the client change nothing: nginx
        // appends the real address and drops Forwarded, and the gateway reads the right-most.
        let dossier = try await curl.run(common + credentials + ["-H", "X-Request-Id: via-nginx", "-H", "X-Forwarded-For: 203.0.113.7",
                                                                  "-H", "Forwarded: for=198.51.100.1",
                                                                  "\(base)/v1/properties/LA2023001/dossier"])
        #expect(dossier.output.hasSuffix("200"), "\(dossier)")
        let batch = try await curl.run(common + credentials + ["-H", "Content-Type: application/json",
                                                                "--data", #"{"property_ids": ["LA2023002"]}"#, "\(base)/v1/dossiers:batch"])
        #expect(batch.output.hasSuffix("200"), "\(batch)")
        #expect(try await curl.run(common + ["\(base)/healthz"]).output.hasSuffix("200"))
        let tooBig = try await curl.run(common + credentials + ["-H", "Content-Type: application/json",
                                                                 "--data", String(repeating: "x", count: 70_000), "\(base)/v1/dossiers:batch"])
        #expect(tooBig.output.hasSuffix("413"), "nginx refuses bodies over max_body_bytes: \(tooBig)")

        let quit = try await nginx.run(nginxArguments + ["-s", "quit"], timeLimit: .seconds(10))
        #expect(quit.status == 0, "\(quit)")
        let audit = environment.gateway.config.audit
        await environment.stop()
        let record = try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "via-nginx" }
        #expect(record?["http_status"]?.integer == 200)
        #expect(record?["remote"]?.string == Self.clientAddress, "the audit names the client behind nginx")
    }

    /// Waits (bounded, 5 s) until something accepts connections on loopback `port`.
    static func waitUntilListening(_ port: Int) async throws {
        for _ in 0..<250 {
            if (try? RawHTTPConnection(port: port)) != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("nothing listens on \(port)")
    }
}
