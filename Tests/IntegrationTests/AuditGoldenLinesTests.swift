import AuditLog
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// The audit line format, pinned byte for byte: golden lines written out here, whose hashes,
/// key ids and signatures come from `openssl` (never from the gateway's own code), so the writer
/// and the verifier cannot share a bug. A writer that makes the record's bytes another way must
/// still produce exactly these lines.
@Suite(.endsWhatItStarts) struct AuditGoldenLinesTests {
    /// Two fixed Ed25519 keys (RFC 8032 allows any 32-byte secret), so the golden signatures are fixed too.
    static let firstKey = try! Ed25519.PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) })
    static let secondKey = try! Ed25519.PrivateKey(rawRepresentation: (0..<32).map { UInt8(255 - $0) })

    /// Runs `openssl` in `folder` on files there.
    struct OpenSSL {
        let folder: String
        let tool: ExternalTool

        init() throws {
            folder = TestEnvironment.temporaryDirectory()
            tool = try ExternalTool.system("/usr/bin/openssl")
        }

        private func file(_ bytes: [UInt8]) throws -> String {
            let path = folder + "/" + UUID().uuidString
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }

        private func run(_ arguments: [String]) async throws -> String {
            let run = try await tool.run(arguments, in: folder, timeLimit: .seconds(30))
            #expect(run.status == 0, "openssl \(arguments): \(run.output)")
            return run.output
        }

        /// `openssl dgst -sha256` of `bytes`, hex.
        func sha256(_ bytes: [UInt8]) async throws -> String {
            String(try await run(["dgst", "-sha256", "-r", try file(bytes)]).prefix(64))
        }

        /// The key id the log writes: the first 16 hex digits of the SHA-256 of the raw public
        /// key, which is the last 32 bytes of its DER SubjectPublicKeyInfo.
        func keyID(_ key: Ed25519.PrivateKey) async throws -> String {
            let pem = try file(Array(key.pemRepresentation.utf8)), der = folder + "/" + UUID().uuidString
            _ = try await run(["pkey", "-in", pem, "-pubout", "-outform", "DER", "-out", der])
            let raw = Array(try #require(FileBytes.read(der)).suffix(32))
            return String(try await sha256(raw).prefix(16))
        }

        /// The Ed25519 signature of `message` (`openssl pkeyutl -sign -rawin`), hex.
        func sign(_ message: String, with key: Ed25519.PrivateKey) async throws -> String {
            let pem = try file(Array(key.pemRepresentation.utf8)), signature = folder + "/" + UUID().uuidString
            _ = try await run(["pkeyutl", "-sign", "-rawin", "-inkey", pem, "-in", try file(Array(message.utf8)), "-out", signature])
            return try #require(FileBytes.read(signature)).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The golden log, line by line, every hash, key id and signature from openssl.
    static func goldenLines(_ openssl: OpenSSL) async throws -> [String] {
        let zeros = String(repeating: "0", count: 64)
        let dossierDigest = try await openssl.sha256(Array(#"{"request_id":"01JDGOLDEN00000000000000001"}"#.utf8))
        let refusalDigest = try await openssl.sha256(Array(#"{"type":"urn:exchange-gateway:problem:unauthorized"}"#.utf8))
        let batchDigest = try await openssl.sha256(Array(#"{"dossiers":[]}"#.utf8))
        let firstID = try await openssl.keyID(firstKey), secondID = try await openssl.keyID(secondKey)
        var lines: [String] = []
        func add(_ body: (_ seq: Int, _ prev: String) async throws -> String) async throws {
            var prev = zeros
            if let last = lines.last { prev = try await openssl.sha256(Array(last.utf8)) }
            lines.append(try await body(lines.count + 1, prev))
        }
        func checkpoint(_ seq: Int, _ prev: String, _ time: String, key: Ed25519.PrivateKey, id: String) async throws -> String {
            let signature = try await openssl.sign("exchange-gateway audit checkpoint v1\n\(seq)\n\(prev)", with: key)
            return #"{"seq":\#(seq),"prev":"\#(prev)","type":"checkpoint","time":"\#(time)","key_id":"\#(id)","signature":"\#(signature)"}"#
        }
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"opened","time":"2026-11-29T08:00:00.000Z","reason":"start","repaired_bytes":0,"checkpoint_every_records":1000}"#
        }
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"access","time":"2026-11-29T08:00:01.250Z","request_id":"01JDGOLDEN00000000000000001","client":"desk-1","role":"clerk","purpose":"登记案件 \"2026-0042\" \\ A","property_id":"LA2023001","sources":[{"name":"land","status":"ok","latency_ms":12},{"name":"tax","status":"timeout","latency_ms":1500}],"http_status":200,"latency_ms":1503,"remote":"192.0.2.10","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","body_sha256":"\#(dossierDigest)"}"#
        }
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"access","time":"2026-11-29T08:00:02.000Z","request_id":"01JDGOLDEN00000000000000002","client":null,"role":null,"purpose":null,"property_id":null,"sources":[],"http_status":401,"latency_ms":0,"remote":"198.51.100.7","trace_id":"0af7651916cd43dd8448eb211c80319c","body_sha256":"\#(refusalDigest)"}"#
        }
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"access","time":"2026-11-29T08:00:03.000Z","request_id":"01JDGOLDEN00000000000000003","client":"desk-1","role":"clerk","purpose":"批量 batch","property_id":null,"sources":[],"http_status":200,"latency_ms":40,"remote":"192.0.2.10","trace_id":"0af7651916cd43dd8448eb211c80319c","body_sha256":"\#(batchDigest)","batch_items":["01JDGOLDEN00000000000000004","01JDGOLDEN00000000000000005"]}"#
        }
        // Every escaping rule: control characters (short forms where JSON has them, else \u00XX in
        // lower case), quote and backslash; DEL, `/`, U+2028, accents, CJK and emoji as they are.
        // (NUL is written as \u0000 too, see AuditChainTests, but jansson reads no line with it back:
        // no field of a record can hold one, every input is refused with it before it is audited.)
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"access","time":"2026-11-29T08:00:03.500Z","request_id":"01JDGOLDEN00000000000000006","client":"desk-1","role":"clerk","purpose":"\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f \"引号\" \\反斜杠\\ /é\#u{7F}\#u{2028}😀👩‍👩‍👧","property_id":"341502001001GB00001F00010001","sources":[{"name":"land","status":"not_found","latency_ms":0}],"http_status":404,"latency_ms":7,"remote":"203.0.113.9","trace_id":null,"body_sha256":"\#(dossierDigest)"}"#
        }
        // A purpose at its longest: 200 characters of three bytes each, 600 bytes (Purpose's limits).
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"access","time":"2026-11-29T08:00:03.750Z","request_id":"01JDGOLDEN00000000000000007","client":"desk-1","role":"clerk","purpose":"\#(String(repeating: "登", count: 200))","property_id":"LA2023001","sources":[],"http_status":503,"latency_ms":2999,"remote":"192.0.2.10","trace_id":null,"body_sha256":"\#(refusalDigest)"}"#
        }
        try await add { seq, prev in try await checkpoint(seq, prev, "2026-11-29T08:00:04.000Z", key: firstKey, id: firstID) }
        try await add { seq, prev in
            #"{"seq":\#(seq),"prev":"\#(prev)","type":"key","time":"2026-11-29T08:00:05.000Z","key_id":"\#(secondID)","previous_key_id":"\#(firstID)","reason":"reload"}"#
        }
        try await add { seq, prev in #"{"seq":\#(seq),"prev":"\#(prev)","type":"closed","time":"2026-11-29T08:00:06.000Z"}"# }
        try await add { seq, prev in try await checkpoint(seq, prev, "2026-11-29T08:00:06.000Z", key: secondKey, id: secondID) }
        return lines
    }

    static func time(_ offsetMs: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: 1_795_939_200_000 + offsetMs)
    }

    /// The same log as the writer's code makes it: the chain, the record, run and checkpoint lines.
    static func writerLines() -> [String] {
        var chain = AuditChain()
        var lines: [[UInt8]] = []
        func add(_ body: [UInt8]) { lines.append(chain.append(body: body)) }
        func checkpoint(_ key: Ed25519.PrivateKey, at offset: Int64) {
            add(AuditCheckpoint.body(after: chain, signingKey: key, time: time(offset)))
        }
        add(AuditRunLine.opened(reason: .start, repairedBytes: 0, checkpointEvery: 1000, time: time(0)))
        add(AuditEntry(time: time(1250), requestID: "01JDGOLDEN00000000000000001", clientID: "desk-1", role: "clerk",
                       purpose: #"登记案件 "2026-0042" \ A"#, propertyID: "LA2023001",
                       sources: [.init(name: "land", status: .ok, latencyMs: 12), .init(name: "tax", status: .timeout, latencyMs: 1500)],
                       httpStatus: 200, latencyMs: 1503, remoteAddress: "192.0.2.10", traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
                       bodySHA256: Digest.sha256(Array(#"{"request_id":"01JDGOLDEN00000000000000001"}"#.utf8))).encoded())
        add(AuditEntry(time: time(2000), requestID: "01JDGOLDEN00000000000000002", clientID: nil, role: nil, purpose: nil, propertyID: nil,
                       sources: [], httpStatus: 401, latencyMs: 0, remoteAddress: "198.51.100.7", traceID: "0af7651916cd43dd8448eb211c80319c",
                       bodySHA256: Digest.sha256(Array(#"{"type":"urn:exchange-gateway:problem:unauthorized"}"#.utf8))).encoded())
        add(AuditEntry(time: time(3000), requestID: "01JDGOLDEN00000000000000003", clientID: "desk-1", role: "clerk", purpose: "批量 batch",
                       propertyID: nil, sources: [], httpStatus: 200, latencyMs: 40, remoteAddress: "192.0.2.10",
                       traceID: "0af7651916cd43dd8448eb211c80319c", bodySHA256: Digest.sha256(Array(#"{"dossiers":[]}"#.utf8)),
                       batchItems: ["01JDGOLDEN00000000000000004", "01JDGOLDEN00000000000000005"]).encoded())
        add(AuditEntry(time: time(3500), requestID: "01JDGOLDEN00000000000000006", clientID: "desk-1", role: "clerk",
                       purpose: "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{E}\u{F}\u{10}\u{11}\u{12}\u{13}"
                           + "\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1A}\u{1B}\u{1C}\u{1D}\u{1E}\u{1F} \"引号\" \\反斜杠\\ /é\u{7F}\u{2028}😀👩‍👩‍👧",
                       propertyID: "341502001001GB00001F00010001", sources: [.init(name: "land", status: .notFound, latencyMs: 0)],
                       httpStatus: 404, latencyMs: 7, remoteAddress: "203.0.113.9", traceID: nil,
                       bodySHA256: Digest.sha256(Array(#"{"request_id":"01JDGOLDEN00000000000000001"}"#.utf8))).encoded())
        add(AuditEntry(time: time(3750), requestID: "01JDGOLDEN00000000000000007", clientID: "desk-1", role: "clerk",
                       purpose: String(repeating: "登", count: Purpose.maximumBytes / 3), propertyID: "LA2023001", sources: [],
                       httpStatus: 503, latencyMs: 2999, remoteAddress: "192.0.2.10", traceID: nil,
                       bodySHA256: Digest.sha256(Array(#"{"type":"urn:exchange-gateway:problem:unauthorized"}"#.utf8))).encoded())
        checkpoint(firstKey, at: 4000)
        add(AuditRunLine.key(AuditCheckpoint.keyID(of: secondKey.publicKey), previous: AuditCheckpoint.keyID(of: firstKey.publicKey),
                             reason: .reload, time: time(5000)))
        add(AuditRunLine.closed(time: time(6000)))
        checkpoint(secondKey, at: 6000)
        return lines.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The writer's code makes exactly the golden lines, and the verifier accepts them (and no
    /// line of them changed by one byte).
    @Test func writerAndVerifierAgreeWithTheGoldenLines() async throws {
        let golden = try await Self.goldenLines(OpenSSL())
        let written = Self.writerLines()
        #expect(written.count == golden.count)
        for (index, (line, expected)) in zip(written, golden).enumerated() {
            #expect(line == expected, "line \(index + 1)")
        }
        let content = Array(golden.map { $0 + "\n" }.joined().utf8)
        let keys = [Self.firstKey.publicKey, Self.secondKey.publicKey]
        let report = AuditVerifier.verify(files: [("golden.jsonl", content)], publicKeys: keys)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.verifiedSignatures == 2 && report.newestRun?.closed == true)
        for index in content.indices where content[index] == UInt8(ascii: "7") {
            var changed = content
            changed[index] = UInt8(ascii: "8")
            #expect(!AuditVerifier.verify(files: [("golden.jsonl", changed)], publicKeys: keys).isIntact, "byte \(index) changed")
        }
    }

    /// The real writer's lines, written through a log with fsync and signatures, link and sign as
    /// openssl computes it.
    @Test func realWriterLinksAndSignsAsOpenSSLComputes() async throws {
        let openssl = try OpenSSL()
        let config = AuditConfig(path: TestEnvironment.temporaryDirectory() + "/audit.jsonl", checkpointEveryRecords: 2)
        let log = try AuditLog(config: config, signingKey: Self.firstKey)
        for index in 1...3 {
            try await log.append(AuditEntry(time: .now(), requestID: "real-\(index)", clientID: "desk-1", role: "clerk", purpose: "案件 \(index)",
                                            propertyID: "LA2023001", sources: [], httpStatus: 200, latencyMs: 1, remoteAddress: "192.0.2.1",
                                            traceID: nil, bodySHA256: [UInt8](repeating: 0xAA, count: 32)))
        }
        await log.close()
        let lines = try String(contentsOfFile: config.directory + "/" + config.fileName(firstSeq: 1), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        let keyID = try await openssl.keyID(Self.firstKey)
        var previous = String(repeating: "0", count: 64)
        for (index, line) in lines.enumerated() {
            let json = try JSON.parse(line)
            #expect(json["seq"]?.integer == index + 1)
            #expect(json["prev"]?.string == previous, "line \(index + 1) links to the line before")
            if json["type"]?.string == "checkpoint" {
                #expect(json["key_id"]?.string == keyID)
                let signature = try await openssl.sign("exchange-gateway audit checkpoint v1\n\(index + 1)\n\(previous)", with: Self.firstKey)
                #expect(json["signature"]?.string == signature, "Ed25519 signatures are deterministic")
            }
            previous = try await openssl.sha256(Array(line.utf8))
        }
    }
}
