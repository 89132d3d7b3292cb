import DepartmentStubs
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// The README's walk-through to production ("From a fresh machine to production"), run as
/// written in a copy of the repository in a temporary folder, on loopback: the commands between
/// its `walkthrough:begin` and `walkthrough:end` markers (the release build included), with the
/// site settings pointed at the folder, a free port and stub departments on HTTPS; the package
/// installation left out (root, network); and systemd replaced by `exchange-gateway serve` in
/// the background, as the unit's `ExecStart` runs it.
@Suite(.endsWhatItStarts) struct WalkthroughTests {
    /// One fenced `sh` block of the walk-through and the marker comment above it, if any
    /// (`site`, `service`, `not-run: why`).
    struct Block {
        let marker: String?
        let code: String
    }

    static func blocks() throws -> [Block] {
        let readme = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let begin = try #require(lines.firstIndex(of: "<!-- walkthrough:begin -->"))
        let end = try #require(lines.firstIndex(of: "<!-- walkthrough:end -->"))
        var blocks: [Block] = []
        var marker: String?
        var code: [String]?
        for line in lines[(begin + 1)..<end] {
            if var open = code {
                if line == "```" {
                    blocks.append(Block(marker: marker, code: open.joined(separator: "\n")))
                    (code, marker) = (nil, nil)
                } else {
                    open.append(line)
                    code = open
                }
            } else if line == "```sh" {
                code = []
            } else if line.hasPrefix("<!-- walkthrough:"), line.hasSuffix(" -->") {
                marker = String(line.dropFirst("<!-- walkthrough:".count).dropLast(" -->".count))
            }
        }
        try #require(code == nil, "an sh block of the walk-through is not closed")
        return blocks
    }

    /// What the walk-through holds: one site block, the package installation and Kubernetes not
    /// run (and nothing else), the systemd step, and the rest (the release build too) run as written.
    @Test func walkthroughIsMarkedUp() throws {
        let blocks = try Self.blocks()
        #expect(blocks.filter { $0.marker == "site" }.count == 1)
        let notRun = blocks.filter { $0.marker?.hasPrefix("not-run") == true }
        #expect(notRun.count == 2)
        #expect(notRun.first?.code.hasPrefix("apt-get ") == true && !notRun.first!.code.contains("\n"))
        #expect(notRun.last?.code.contains("kubectl apply -k") == true)
        #expect(blocks.contains { $0.marker == nil && $0.code.contains("swift build -c release") })
        let service = try #require(blocks.first { $0.marker == "service" })
        #expect(service.code.contains("systemctl enable --now exchange-gateway"))
        #expect(blocks.filter { $0.marker == nil }.count >= 4)
        #expect(Set(blocks.compactMap(\.marker).map { $0.split(separator: ":").first.map(String.init) ?? $0 }) == ["site", "not-run", "service"])
    }

    /// What of the repository the walk-through reads: the package (to build; its manifest names the tests and the
    /// benchmark programs under bench/ too) and the shipped files.
    static let repositoryParts = ["Package.swift", "Sources", "Tests", "CCurl", "CJansson", "CLinux", "CMicroHTTPD", "COpenSSL", "config", "deploy",
                                   "bench"]

    /// The whole walk-through, release build included (about a minute on two cores) and the wait
    /// for the first signed checkpoint (at most `checkpoint_every_s`, 60 s); the time limit leaves
    /// room for a busy machine.
    @Test(.timeLimit(.minutes(10))) func walkthroughRunsOnLoopback() async throws {
        let bash = try ExternalTool.system("/bin/bash")
        for tool in ["/usr/bin/jq", "/usr/bin/openssl", "/usr/bin/curl"] { _ = try ExternalTool.system(tool) }
        let certificate = try await TLSTests.Certificate.make()
        let departments = try await TestEnvironment.start(stubTLS: certificate.serverTLS())
        let folder = TestEnvironment.temporaryDirectory()
        let checkout = folder + "/repository"
        try FileManager.default.createDirectory(atPath: checkout, withIntermediateDirectories: true)
        for part in Self.repositoryParts {
            try FileManager.default.copyItem(atPath: TestEnvironment.repositoryRoot + "/" + part, toPath: checkout + "/" + part)
        }
        let port = try freeLoopbackPort()
        let url = { (department: Department) in "https://127.0.0.1:\(departments.stubs[department].port)" }
        let site = """
            ETC=\(folder)/etc CREDENTIALS=\(folder)/etc/credentials CREDENTIALS_FOR_SERVICE=\(folder)/etc/credentials
            STATE=\(folder)/state BIN=\(folder)/bin GATEWAY_HOST=localhost LISTEN=127.0.0.1 PORT=\(port)
            LAND_URL=\(url(.land)) TAX_URL=\(url(.tax)) HOUSE_URL=\(url(.house)) DEPARTMENTS_CA=\(certificate.certFile)
            CHECK_PROPERTY=LA2023001
            mkdir -p "$BIN"
            export PATH="$BIN:$PATH"
            """
        let service = """
            mkdir -p "$STATE/audit"
            exchange-gateway serve --config "$ETC/gateway.json" 2>"\(folder)/gateway.log" &
            GATEWAY_PID=$!
            """
        let steps = try Self.blocks().compactMap { block -> String? in
            switch block.marker {
            case "site": site
            case "service": service
            case let marker? where marker.hasPrefix("not-run"): nil
            default: block.code
            }
        }
        let script = """
            set -euo pipefail
            trap 'kill -KILL ${GATEWAY_PID:-} 2>/dev/null || true' EXIT
            \(steps.joined(separator: "\n"))
            kill -TERM "$GATEWAY_PID"
            wait "$GATEWAY_PID" && echo "gateway stopped: exit 0"
            """
        try script.write(toFile: folder + "/walkthrough.sh", atomically: true, encoding: .utf8)
        let run = try await bash.run([folder + "/walkthrough.sh"], in: checkout, timeLimit: .seconds(540))
        let log = (try? String(contentsOfFile: folder + "/gateway.log", encoding: .utf8)) ?? ""
        #expect(run.status == 0, "\(run)\ngateway log:\n\(log)")
        #expect(FileManager.default.isExecutableFile(atPath: checkout + "/.build/release/exchange-gateway"), "the release build ran")
        for expected in ["exchange-gateway \(GatewayVersion.current)", "give registration-desk-01 its key: egk_",
                         "\(folder)/etc/gateway.json: valid", #""status":"ready""#, "go-live lookup: HTTP 200",
                         "PROVEN: \(folder)/state/go-live-dossier.json is exactly the answer", "intact: 1 file(s)",
                         "checkpoint signatures verified (key ", "gateway stopped: exit 0"] {
            #expect(run.output.contains(expected), "missing \(expected)")
        }
        #expect(!run.output.contains("\n  warning: "), "the walk-through's config passes config check --strict without a warning")

        // The private keys are outside the audit folder; the lookup is audited under the new desk's name.
        #expect(FileManager.default.fileExists(atPath: folder + "/etc/credentials/audit-signing.key"))
        let auditFiles = try FileManager.default.contentsOfDirectory(atPath: folder + "/state/audit")
        #expect(!auditFiles.contains { $0.hasSuffix(".key") } && !auditFiles.isEmpty)
        let records = try AuditIntegrationTests.records(AuditConfig(path: folder + "/state/audit/audit.jsonl"))
        let lookup = try #require(records.first { $0["type"]?.string == "access" })
        #expect(lookup["client"]?.string == "registration-desk-01" && lookup["purpose"]?.string == "上线检查 go-live check")
        #expect(lookup["http_status"]?.integer == 200)
        #expect(records.last?["type"]?.string == "checkpoint", "the stop signed a last checkpoint")
    }
}
