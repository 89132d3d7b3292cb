import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import Testing

/// A start on a log whose tail (the lines since its last checkpoint, which no signature covers
/// yet) was changed by someone who can write the volume: the gateway must not continue, and
/// sign, a chain that does not link.
struct AuditLogTamperedTailTests {
    /// A signed log of 7 records, cadence 5, closed: its last lines are access, closed, checkpoint.
    static func signedLog(_ config: AuditConfig, key: Ed25519.PrivateKey) async throws -> (path: String, lines: [[UInt8]]) {
        try await AuditLogEvidenceTests.run(config, key: key, records: 7, prefix: "t")
        let path = config.directory + "/" + config.fileName(firstSeq: 1)
        return (path, AuditFolder.lines(of: try #require(FileBytes.read(path))))
    }

    /// The ways the tail is changed: a line appended that links by hash but jumps in seq (to where
    /// the writer would name files no one lists), a line in the tail edited, a line deleted.
    static let tamperings: [(name: String, change: @Sendable ([[UInt8]]) throws -> [[UInt8]])] = [
        ("seq jump", { lines in
            var chain = try AuditChain.after(line: lines[lines.count - 1])
            chain = AuditChain(lastSeq: 999_999_999_998, lastHash: chain.lastHash)
            return lines + [chain.append(body: AuditLogFixture.entry("jump").encoded())]
        }),
        ("edited", { lines in
            var lines = lines
            var chain = try AuditChain.after(line: lines[lines.count - 1])
            lines.append(chain.append(body: AuditLogFixture.entry("one").encoded()))
            lines.append(chain.append(body: AuditLogFixture.entry("two").encoded()))
            lines[lines.count - 2] = Array(String(decoding: lines[lines.count - 2], as: UTF8.self)
                .replacingOccurrences(of: "desk-1", with: "desk-9").utf8)
            return lines
        }),
        ("deleted", { lines in
            var chain = try AuditChain.after(line: lines[lines.count - 1])
            _ = chain.append(body: AuditLogFixture.entry("deleted").encoded())
            return lines + [chain.append(body: AuditLogFixture.entry("after").encoded())]
        }),
    ]

    @Test(arguments: tamperings.indices)
    func tamperedTailRefusesStart(_ index: Int) async throws {
        let (name, change) = Self.tamperings[index]
        let folder = try AuditFolder()
        defer { folder.remove() }
        let config = folder.config(checkpointEveryRecords: 5)
        let key = Ed25519.PrivateKey.generate()
        let (path, lines) = try await Self.signedLog(config, key: key)
        let tampered = AuditFolder.content(try change(lines))
        try Data(tampered).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: AuditLogError.self, "\(name)") { try AuditLog(config: config, signingKey: key) }
        guard case .brokenTail(let errorPath, let reason) = error else {
            Issue.record("\(name): expected brokenTail, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path, "\(name)")
        #expect(reason.contains("does not link"), "\(name): \(reason)")
        #expect(FileBytes.read(path) == tampered, "\(name): nothing is written to it")
    }
}
