import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// Audit chains built in memory, the way the writer builds them: `AuditEntry` bodies and
/// signed checkpoints chained with `AuditChain`. Shared by the chain and verifier tests.
enum AuditTestChain {
    /// The key every fixture checkpoint is signed with.
    static let key = Ed25519.PrivateKey.generate()
    /// The name the single-file fixtures are verified under.
    static let fileName = "audit-000000000001.jsonl"

    /// What each line of a fixture is.
    enum Kind: Sendable, Equatable {
        case access
        case checkpoint
    }

    /// A deterministic access record; `index` shows in its request id, purpose and time.
    static func entry(_ index: Int) -> AuditEntry {
        AuditEntry(time: Timestamp(millisecondsSince1970: 1_795_000_000_000 + Int64(index) * 1000),
                   requestID: "req-\(index)", clientID: "desk-1", role: "clerk", purpose: "case \(index)",
                   propertyID: "LA2023001",
                   sources: [.init(name: "land", status: .ok, latencyMs: 12), .init(name: "tax", status: .timeout, latencyMs: 2000)],
                   httpStatus: 200, latencyMs: 2012, remoteAddress: "10.0.0.\(index % 250)", traceID: nil)
    }

    /// Lines (without newlines) of the given kinds, chained from `chain`; checkpoints are signed with `signingKey`.
    static func lines(_ kinds: [Kind], from chain: AuditChain = AuditChain(),
                      signingKey: Ed25519.PrivateKey = key) -> [[UInt8]] {
        var chain = chain
        return kinds.enumerated().map { index, kind in
            switch kind {
            case .access:
                return chain.append(body: entry(index + 1).encoded())
            case .checkpoint:
                let time = Timestamp(millisecondsSince1970: 1_795_000_000_000 + Int64(index) * 1000)
                return chain.append(body: AuditCheckpoint.body(after: chain, signingKey: signingKey, time: time))
            }
        }
    }

    /// The standard 12-line fixture: access 1–4, checkpoint 5, access 6–10, checkpoint 11, access 12.
    static let standardKinds: [Kind] = [.access, .access, .access, .access, .checkpoint,
                                        .access, .access, .access, .access, .access, .checkpoint, .access]
    static let standard = lines(standardKinds)

    /// `lines` as file content: each line followed by a newline.
    static func content(_ lines: [[UInt8]]) -> [UInt8] {
        lines.flatMap { $0 + [UInt8(ascii: "\n")] }
    }

    /// `line` with the first `old` replaced by `new`; the test fails if `old` is not in it.
    static func replacing(_ old: String, with new: String, in line: [UInt8]) -> [UInt8] {
        var text = String(decoding: line, as: UTF8.self)
        guard let range = text.firstRange(of: old) else {
            Issue.record("\"\(old)\" is not in \(text)")
            return line
        }
        text.replaceSubrange(range, with: new)
        return Array(text.utf8)
    }

    static func text(_ line: [UInt8]) -> String {
        String(decoding: line, as: UTF8.self)
    }
}

struct AuditChainTests {
    /// The first line is `{"seq":1,"prev":<64 zeros>,` followed by the body's members, unchanged.
    @Test func firstLineLinksToGenesis() throws {
        var chain = AuditChain()
        let body = AuditTestChain.entry(1).encoded()
        let line = chain.append(body: body)
        let prefix = #"{"seq":1,"prev":""# + String(repeating: "0", count: 64) + #"","#
        #expect(AuditTestChain.text(line) == prefix + AuditTestChain.text(Array(body.dropFirst())))
        #expect(!line.contains(UInt8(ascii: "\n")))
        #expect(chain.lastSeq == 1)
        #expect(chain.lastHash == Digest.sha256(line))
        let fields = try AuditLineFields(line)
        #expect(fields.seq == 1 && fields.prev == AuditChain.genesis && fields.type == "access")
    }

    /// Each line's `prev` is the SHA-256 hex of the previous line's bytes, and `seq` counts up by one.
    @Test func eachLineLinksToThePrevious() throws {
        let lines = AuditTestChain.standard
        for (index, line) in lines.enumerated() {
            let fields = try AuditLineFields(line)
            #expect(fields.seq == index + 1)
            #expect(fields.prev == (index == 0 ? AuditChain.genesis : Digest.sha256(lines[index - 1])))
            #expect(AuditTestChain.text(line).hasPrefix(#"{"seq":\#(index + 1),"prev":"\#(Hex.encode(fields.prev))","#))
        }
    }

    /// A chain continued from a start other than genesis numbers and links from there.
    @Test func continuesFromAnyHead() throws {
        let head = Digest.sha256(Array("some earlier line".utf8))
        var chain = AuditChain(lastSeq: 41, lastHash: head)
        let line = chain.append(body: AuditTestChain.entry(42).encoded())
        let fields = try AuditLineFields(line)
        #expect(fields.seq == 42 && fields.prev == head)
        #expect(chain == AuditChain(lastSeq: 42, lastHash: Digest.sha256(line)))
    }

    /// `after(line:)` read back from the last line gives the same chain as the one that wrote it.
    @Test func afterLineResumesTheChain() throws {
        var chain = AuditChain()
        var last: [UInt8] = []
        for index in 1...5 { last = chain.append(body: AuditTestChain.entry(index).encoded()) }
        var resumed = try AuditChain.after(line: last)
        #expect(resumed == chain)
        let body = AuditTestChain.entry(6).encoded()
        #expect(resumed.append(body: body) == chain.append(body: body))
    }

    /// `after(line:)` and `AuditLineFields` reject lines that are not records, naming what is wrong.
    @Test(arguments: [
        ("not json", AuditLineError.notJSON),
        (#"{"seq":1,"prev":"00"#, .notJSON),
        ("", .notJSON),
        (#"[1,2]"#, .missingField("seq")),
        (#"{"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .missingField("seq")),
        (#"{"seq":0,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .seqOutOfRange(0)),
        (#"{"seq":-7,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .seqOutOfRange(-7)),
        (#"{"seq":9007199254740992,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .seqOutOfRange(9_007_199_254_740_992)),
        (#"{"seq":18446744073709551616,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .notJSON),
        (#"{"seq":"1","prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, .missingField("seq")),
        (#"{"seq":1,"prev":"\#(String(repeating: "0", count: 63))","type":"access"}"#, .missingField("prev")),
        (#"{"seq":1,"prev":"\#(String(repeating: "g", count: 64))","type":"access"}"#, .missingField("prev")),
        (#"{"seq":1,"prev":"\#(String(repeating: "0", count: 64))"}"#, .missingField("type")),
        (#"{"seq":1,"prev":"\#(String(repeating: "0", count: 64))","type":7}"#, .missingField("type")),
    ])
    func rejectsNonRecords(_ line: String, _ error: AuditLineError) {
        #expect(throws: error) { try AuditChain.after(line: Array(line.utf8)) }
    }

    /// An access record has exactly AuditEntry's fields, in a fixed order, with nulls for what is unknown.
    @Test func entryFieldsInFixedOrder() throws {
        let entry = AuditEntry(time: Timestamp(millisecondsSince1970: 0), requestID: "r-1", clientID: nil, role: nil,
                               purpose: nil, propertyID: nil, sources: [], httpStatus: 401, latencyMs: 3,
                               remoteAddress: "192.0.2.1", traceID: nil)
        #expect(AuditTestChain.text(entry.encoded()) == #"{"type":"access","time":"1970-01-01T00:00:00.000Z","request_id":"r-1","client":null,"role":null,"purpose":null,"property_id":null,"sources":[],"http_status":401,"latency_ms":3,"remote":"192.0.2.1","trace_id":null,"body_sha256":null}"#)
        let full = try JSON.parse(AuditTestChain.entry(3).encoded())
        #expect(full.members.map(\.key) == ["type", "time", "request_id", "client", "role", "purpose", "property_id",
                                           "sources", "http_status", "latency_ms", "remote", "trace_id", "body_sha256"])
        #expect(full["sources"]?.encodedString() == #"[{"name":"land","status":"ok","latency_ms":12},{"name":"tax","status":"timeout","latency_ms":2000}]"#)
        // A batch answer's record names its items after the digest; no other record has the member.
        var batch = entry
        batch.bodySHA256 = (0..<32).map { UInt8($0 * 8) }
        batch.batchItems = ["r-2", "r-3"]
        #expect(AuditTestChain.text(batch.encoded()).hasSuffix(#""body_sha256":"0008101820283038404850586068707880889098a0a8b0b8c0c8d0d8e0e8f0f8","batch_items":["r-2","r-3"]}"#))
        var withNUL = entry
        withNUL.purpose = "a\u{0}b"
        #expect(AuditTestChain.text(withNUL.encoded()).contains(#""purpose":"a\u0000b","#))
    }

    /// The lines around the records, byte for byte: `opened` (with a recorded loss, its note escaped
    /// like every string of a line), `key` and `closed`.
    @Test func runLinesByteForByte() {
        let time = Timestamp(millisecondsSince1970: 1_795_939_200_000)
        let loss = AuditRunLine.Loss(witnessSeq: 4_000, witnessLineSHA256: String(repeating: "c", count: 64),
                                     note: "disk \"A\" replaced\n\t— ops\\王")
        #expect(AuditTestChain.text(AuditRunLine.opened(reason: .loss, repairedBytes: 12, checkpointEvery: 50, loss: loss, time: time))
            == #"{"type":"opened","time":"2026-11-29T08:00:00.000Z","reason":"loss","repaired_bytes":12,"checkpoint_every_records":50,"loss":{"witness_seq":4000,"witness_line_sha256":"\#(String(repeating: "c", count: 64))","note":"disk \"A\" replaced\n\t— ops\\王"}}"#)
        #expect(AuditTestChain.text(AuditRunLine.key("0123456789abcdef", previous: nil, reason: .start, time: time))
            == #"{"type":"key","time":"2026-11-29T08:00:00.000Z","key_id":"0123456789abcdef","previous_key_id":null,"reason":"start"}"#)
        #expect(AuditTestChain.text(AuditRunLine.closed(time: time)) == #"{"type":"closed","time":"2026-11-29T08:00:00.000Z"}"#)
    }

    /// Records appended into one buffer, as the writer appends a batch, are the lines appended one
    /// by one, and each range names its line.
    @Test func appendsIntoABatchBuffer() {
        var batched = AuditChain(), single = AuditChain()
        var buffer = Array("earlier lines\n".utf8)
        for index in 1...3 {
            let range = batched.append(body: AuditTestChain.entry(index).encoded(), to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
            #expect(Array(buffer[range]) == single.append(body: AuditTestChain.entry(index).encoded()))
        }
        #expect(batched == single)
    }

    /// A checkpoint signs its own seq and the hash it links to, under a labelled message, and names its key.
    @Test func checkpointSignsSeqAndHead() throws {
        let key = Ed25519.PrivateKey.generate()
        var chain = AuditChain()
        for index in 1...3 { _ = chain.append(body: AuditTestChain.entry(index).encoded()) }
        let head = chain.lastHash
        let bytes = AuditCheckpoint.body(after: chain, signingKey: key, time: Timestamp(millisecondsSince1970: 0))
        let body = try JSON.parse(bytes)
        #expect(body.members.map(\.key) == ["type", "time", "key_id", "signature"])
        #expect(body["type"]?.string == "checkpoint")
        #expect(body["key_id"]?.string == AuditCheckpoint.keyID(of: key.publicKey))
        #expect(AuditCheckpoint.keyID(of: key.publicKey).count == 16)
        #expect(AuditCheckpoint.message(seq: 4, head: head)
            == Array("exchange-gateway audit checkpoint v1\n4\n\(Hex.encode(head))".utf8))
        let signature = try #require(body["signature"]?.string.flatMap(Hex.decode))
        #expect(key.publicKey.isValidSignature(signature, for: AuditCheckpoint.message(seq: 4, head: head)))
        #expect(!key.publicKey.isValidSignature(signature, for: AuditCheckpoint.message(seq: 5, head: head)))
        let line = chain.append(body: bytes)
        let fields = try AuditLineFields(line)
        #expect(fields.seq == 4 && fields.prev == head && fields.type == "checkpoint")
    }
}
