@testable import Gateway
import DepartmentStubs
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// The operator's commands as the registration office's IT person runs them: `--version`,
/// `keygen` against the config's roles, `audit search` / `tail` for people and for programs,
/// and `dossier`'s readable summary.
@Suite(.endsWhatItStarts) struct OperatorCommandTests {
    static func run(_ arguments: [String]) async throws -> CommandLineTests.Run {
        try await CommandLineTests.run("exchange-gateway", arguments)
    }

    /// `--version` prints the version compiled in, which is the OpenAPI document's.
    @Test func versionIsCompiledIn() async throws {
        let run = try await Self.run(["--version"])
        #expect(run.status == 0 && run.output == "exchange-gateway \(GatewayVersion.current)\n")
        let document = String(decoding: OpenAPIDocument.yaml, as: UTF8.self)
        #expect(document.contains("\n  version: \(GatewayVersion.current)\n"))
        #expect(try await Self.run(["--version", "--bogus"]).status == 2)
    }

    /// Usage mistakes of these commands exit 2 with one line.
    @Test(arguments: [
        ["keygen", "--role", "no-such-role"], ["keygen", "--client", #"a"b"#], ["keygen", "--client", ""],
        ["audit", "search", "--status", "6xx", "x"], ["audit", "search", "--status", "20", "x"],
        ["audit", "search", "--until", "tomorrow", "x"], ["audit", "tail", "--format", "xml", "x"],
        ["dossier", "LA2023001", "--json=yes"],
    ])
    func usageMistakes(_ arguments: [String]) async throws {
        let run = try await Self.run(arguments)
        #expect(run.status == 2, "\(run.errors)")
        #expect(run.errors.hasPrefix("exchange-gateway: ") && run.errors.split(separator: "\n").count == 1, "\(run.errors)")
    }

    /// `keygen` names the roles the config defines when asked for another; with --hash-file the
    /// hash goes to a new file the entry names, and a config holding that entry is valid.
    @Test func keygenChecksTheRoleAndWritesTheHashFile() async throws {
        let refused = try await Self.run(["keygen", "--role", "clerks"])
        #expect(refused.errors.contains("unknown role 'clerks'") && refused.errors.contains("auditor, clerk, land_records"))

        let folder = TestEnvironment.temporaryDirectory()
        let made = try await Self.run(["keygen", "--client", "desk-07", "--role", "auditor", "--hash-file", folder + "/desk-07.sha256"])
        #expect(made.status == 0, "\(made.errors)")
        let key = try #require(made.output.split(separator: "\n").first { $0.hasPrefix("API key:") }?.split(separator: " ").last)
        let written = try String(contentsOfFile: folder + "/desk-07.sha256", encoding: .utf8)
        #expect(written == Hex.encode(Digest.sha256(Array(key.utf8))) + "\n")
        let line = try #require(made.output.split(separator: "\n").first { $0.hasPrefix("config entry:") })
        let entry = try JSON.parse(String(line.dropFirst("config entry:".count)))
        #expect(entry["api_key_sha256_file"]?.string == folder + "/desk-07.sha256" && entry["role"]?.string == "auditor")

        let config = try JSON.parse(Array(try String(contentsOfFile: TestEnvironment.repositoryRoot + "/config/gateway.json", encoding: .utf8).utf8))
        config["clients"] = JSON.array([entry])
        try config.encodedString().write(toFile: folder + "/gateway.json", atomically: true, encoding: .utf8)
        let check = try await Self.run(["config", "check", folder + "/gateway.json"])
        #expect(check.status == 0, "\(check.errors)")

        let again = try await Self.run(["keygen", "--client", "desk-07", "--role", "clerk", "--hash-file", folder + "/desk-07.sha256"])
        #expect(again.status == 1 && !again.output.contains("API key:"), "an existing hash file is never overwritten")
        #expect(try String(contentsOfFile: folder + "/desk-07.sha256", encoding: .utf8) == written)
    }

    /// An access record of `searchableLog`: a batch answer's own record has no property and names its items.
    typealias SearchableRecord = (time: String, client: String, role: String, property: String?, purpose: String, status: Int,
                                  batchItems: [String]?)

    static let searchableRecords: [SearchableRecord] = [
        ("2026-11-28T23:59:59.999Z", "desk-1", "clerk", "LA2023001", "登记案件 2026-0041", 200, nil),
        ("2026-11-29T02:00:00.000Z", "desk-1", "clerk", "LA2023002", "登记案件 2026-0042", 404, nil),
        ("2026-11-29T09:30:00.000Z", "audit-1", "auditor", "LA2023001", "审计抽查 2026-11", 200, nil),
        ("2026-11-29T23:00:00.000Z", "desk-2", "clerk", "LA2023003", "登记案件 2026-0042", 503, nil),
        ("2026-11-30T00:00:00.000Z", "desk-2", "clerk", "LA2023001", "登记案件 2026-0043", 429, nil),
    ]

    /// A log of access records (`req-<index>`) with every field `audit search` filters on, then a checkpoint-like line.
    static func searchableLog(_ records: [SearchableRecord] = searchableRecords) -> String {
        var chain = AuditChain()
        var lines = [chain.append(body: JSON.object(["type": JSON("opened"), "time": JSON("2026-11-28T00:00:00.000Z"),
                                                     "reason": JSON("start"), "repaired_bytes": JSON(0)]).encoded())]
        for (index, record) in records.enumerated() {
            let body = JSON.object([
                "type": JSON("access"), "time": JSON(record.time), "request_id": JSON("req-\(index)"), "client": JSON(record.client),
                "role": JSON(record.role), "purpose": JSON(record.purpose), "property_id": record.property.map(JSON.init) ?? JSON.null(),
                "sources": JSON.array([]), "http_status": JSON(record.status), "latency_ms": JSON(index), "remote": JSON("127.0.0.1"),
            ])
            if let items = record.batchItems { body["batch_items"] = JSON.array(items.map(JSON.init)) }
            lines.append(chain.append(body: body.encoded()))
        }
        lines.append(chain.append(body: JSON.object(["type": JSON("checkpoint"), "time": JSON("2026-11-30T00:00:01.000Z"),
                                                     "key_id": JSON("k1"), "signature": JSON("00")]).encoded()))
        return lines.map { String(decoding: $0, as: UTF8.self) + "\n" }.joined()
    }

    /// Each filter alone and together; `--until` is excluded so a day is `--since D --until D+1`.
    @Test(arguments: [
        (["--client", "desk-1"], ["req-0", "req-1"]),
        (["--role", "auditor"], ["req-2"]),
        (["--property", "LA2023001"], ["req-0", "req-2", "req-4"]),
        (["--purpose", "2026-0042"], ["req-1", "req-3"]),
        (["--request-id", "req-3"], ["req-3"]),
        (["--status", "200"], ["req-0", "req-2"]),
        (["--status", "5xx"], ["req-3"]),
        (["--status", "4xx"], ["req-1", "req-4"]),
        (["--since", "2026-11-29", "--until", "2026-11-30"], ["req-1", "req-2", "req-3"]),
        (["--until", "2026-11-29T10:00:00+08:00"], ["req-0"]),
        (["--client", "desk-2", "--purpose", "登记案件", "--since", "2026-11-29T12:00:00Z"], ["req-3", "req-4"]),
        ([], ["req-0", "req-1", "req-2", "req-3", "req-4"]),
    ] as [([String], [String])])
    func searchFilters(_ filters: [String], _ expected: [String]) async throws {
        let folder = TestEnvironment.temporaryDirectory()
        try Self.searchableLog().write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        let run = try await Self.run(["audit", "search"] + filters + [folder])
        #expect(run.status == 0, "\(run.errors)")
        // Not a terminal: JSON lines, exactly as in the log.
        let found = try run.output.split(separator: "\n").map { try JSON.parse(String($0))["request_id"]?.string ?? "?" }
        #expect(found == expected)
    }

    /// No match is a failure with a message, not silence.
    @Test func searchWithoutMatchFails() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        try Self.searchableLog().write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        let run = try await Self.run(["audit", "search", "--property", "LA2099999", folder])
        #expect(run.status == 1 && run.output.isEmpty)
        #expect(run.errors == "exchange-gateway: no access record in 1 file(s) matches\n")
    }

    /// The table: a header, one row per record, columns aligned however wide the characters are.
    @Test func searchAndTailAsTable() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        try Self.searchableLog().write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        let search = try await Self.run(["audit", "search", "--format", "table", "--status", "200", folder])
        let rows = search.output.split(separator: "\n").map(String.init)
        #expect(rows.count == 3, "\(search.output)")
        #expect(rows[0].hasPrefix("SEQ  TIME (UTC)") && rows[0].contains("PURPOSE"))
        #expect(rows[1].contains("2026-11-28 23:59:59.999") && rows[1].contains("desk-1") && rows[1].contains("登记案件 2026-0041"))
        // The request id column starts at the same display column in every row (a CJK ideograph takes two).
        let width = { (text: Substring) in text.unicodeScalars.reduce(0) { $0 + ((0x4E00...0x9FFF).contains($1.value) ? 2 : 1) } }
        let starts = rows.map { row in width(row[..<row.range(of: row == rows[0] ? "REQUEST ID" : "req-")!.lowerBound]) }
        #expect(Set(starts).count == 1, "\(starts)")

        let tail = try await Self.run(["audit", "tail", "-n", "2", "--format", "table", folder])
        let tailRows = tail.output.split(separator: "\n")
        #expect(tailRows.count == 3)
        #expect(tailRows[1].contains("429") && tailRows[2].contains("checkpoint") && tailRows[2].contains("key k1"))
        let json = try await Self.run(["audit", "tail", "-n", "1", folder])
        #expect(try JSON.parse(json.output)["type"]?.string == "checkpoint")
    }

    /// The log keeps a purpose with an ID card number in it masked (`核查 341502********0265`), so
    /// `--purpose` masks what it is given the same way: searching the number as typed finds the
    /// lookup. A batch answer's own record reads as the batch in the table, not as a blank property.
    @Test func searchFindsMaskedPurposesAndNamesBatches() async throws {
        let folder = TestEnvironment.temporaryDirectory()
        let log = Self.searchableLog(Self.searchableRecords + [
            ("2026-11-30T01:00:00.000Z", "desk-3", "clerk", "LA2023004", "核查 341502********0265", 200, nil),
            ("2026-11-30T02:00:00.000Z", "desk-3", "clerk", nil, "登记案件 2026-0044", 200, ["req-7", "req-8", "req-9"]),
        ])
        try log.write(toFile: folder + "/audit-000000000001.jsonl", atomically: true, encoding: .utf8)
        for purpose in ["341502198803140265", "核查 341502198803140265", "0265"] {
            let run = try await Self.run(["audit", "search", "--purpose", purpose, folder])
            #expect(run.status == 0 && (try? JSON.parse(run.output))?["request_id"]?.string == "req-5", "\(purpose): \(run.output)\(run.errors)")
        }
        let table = try await Self.run(["audit", "search", "--format", "table", "--client", "desk-3", folder])
        let rows = table.output.split(separator: "\n").map(String.init)
        #expect(rows.count == 3 && rows[2].contains("batch of 3") && rows[2].contains("req-6"), "\(table.output)")
    }

    /// `dossier` prints the readable summary `demo` prints; `--json` the dossier itself.
    @Test(.timeLimit(.minutes(1))) func dossierSummaryOrJSON() async throws {
        let environment = try await TestEnvironment.start()
        let folder = TestEnvironment.temporaryDirectory()
        try GatewayProcess.writeConfig(for: environment.stubs, port: 0, auditFolder: folder, to: folder + "/gateway.json")
        let summary = try await Self.run(["dossier", "LA2023001", "--config", folder + "/gateway.json"])
        #expect(summary.status == 0, "\(summary.errors)")
        #expect(summary.output.hasPrefix("LA2023001 (role clerk)\n  HTTP 200, complete: true, "))
        for line in ["  land  ok  ", "  findings: none", "  house:", "      name: 张*", "    co_holders: (none)"] {
            #expect(summary.output.contains(line), "missing \(line):\n\(summary.output)")
        }
        #expect(!summary.output.contains("张三") && !summary.output.contains("{"))
        let json = try await Self.run(["dossier", "LA2023001", "--config", folder + "/gateway.json", "--json"])
        #expect(try JSON.parse(json.output)["property_id"]?.string == "LA2023001")
    }
    /// A department's text reaches the operator's terminal in `dossier`'s summary: control characters
    /// in it (a title-setting OSC, a line break starting a line of the department's choosing) are
    /// shown escaped, each value on its own line.
    @Test(.timeLimit(.minutes(1))) func dossierSummaryEscapesDepartmentText() async throws {
        let fixtures = TestEnvironment.temporaryDirectory()
        let bundled = TestEnvironment.repositoryRoot + "/stubs/fixtures"
        for department in ["land", "tax", "house"] {
            try FileManager.default.copyItem(atPath: bundled + "/" + department, toPath: fixtures + "/" + department)
        }
        var land = try String(contentsOfFile: fixtures + "/land/LA2023001.json", encoding: .utf8)
        land = land.replacingOccurrences(of: #""location": "安徽省六安市金安区梅山南路88号梧桐苑""#,
                                         with: #""location": "\u001b]2;owned\u0007梧桐苑\n  tax   ok""#)
        try land.write(toFile: fixtures + "/land/LA2023099.json", atomically: true, encoding: .utf8)
        let environment = try await TestEnvironment.start(fixtures: try FixtureStore(directory: fixtures))
        let folder = TestEnvironment.temporaryDirectory()
        try GatewayProcess.writeConfig(for: environment.stubs, port: 0, auditFolder: folder, to: folder + "/gateway.json")
        let summary = try await Self.run(["dossier", "LA2023099", "--config", folder + "/gateway.json", "--sources", "land"])
        #expect(!summary.output.utf8.contains(0x1B) && !summary.output.utf8.contains(0x07), "\(summary.output.debugDescription)")
        #expect(summary.output.contains(#"location: \u{1B}]2;owned\u{7}梧桐苑\u{A}  tax   ok"#), "\(summary.output)")
    }
}
