import GatewayCore
import GatewayCrypto
import GatewayJSON
import Testing

/// One way of tampering with the standard 12-line fixture and what the verifier must say about it.
struct AuditTamper: Sendable, CustomTestStringConvertible {
    var name: String
    var kind: AuditVerifier.Problem.Kind
    /// 1-based line in the tampered file where the problem is reported.
    var line: Int
    /// Text the problem's detail must contain, if any.
    var detail: String? = nil
    /// Verify with a key other than the one that signed the checkpoints.
    var otherKey = false
    /// The tampered file content, from the intact lines.
    var apply: @Sendable ([[UInt8]]) -> [UInt8]

    var testDescription: String { name }

    /// Replaces line `number` (1-based) by `change` of it.
    static func changingLine(_ number: Int, _ change: @escaping @Sendable ([UInt8]) -> [UInt8]) -> @Sendable ([[UInt8]]) -> [UInt8] {
        { lines in
            var lines = lines
            lines[number - 1] = change(lines[number - 1])
            return AuditTestChain.content(lines)
        }
    }

    static let all: [AuditTamper] = [
        AuditTamper(name: "purpose of line 3 edited", kind: .edited, line: 3, detail: "no longer matches",
                    apply: changingLine(3) { AuditTestChain.replacing(#""purpose":"case 3""#, with: #""purpose":"case 9""#, in: $0) }),
        AuditTamper(name: "http_status of line 7 edited", kind: .edited, line: 7,
                    apply: changingLine(7) { AuditTestChain.replacing(#""http_status":200"#, with: #""http_status":403"#, in: $0) }),
        AuditTamper(name: "one byte of line 1 edited", kind: .edited, line: 1,
                    apply: changingLine(1) { AuditTestChain.replacing("req-1", with: "req-X", in: $0) }),
        AuditTamper(name: "line 4 deleted", kind: .deleted, line: 4, detail: "record 4 is missing") { lines in
            AuditTestChain.content(Array(lines[0..<3] + lines[4...]))
        },
        AuditTamper(name: "lines 6 and 7 deleted", kind: .deleted, line: 6, detail: "records 6–7 are missing") { lines in
            AuditTestChain.content(Array(lines[0..<5] + lines[7...]))
        },
        AuditTamper(name: "checkpoint line 5 deleted", kind: .deleted, line: 5, detail: "record 5 is missing") { lines in
            AuditTestChain.content(Array(lines[0..<4] + lines[5...]))
        },
        AuditTamper(name: "lines 3 and 4 swapped", kind: .reordered, line: 3, detail: "seq 4 comes before seq 3") { lines in
            var lines = lines
            lines.swapAt(2, 3)
            return AuditTestChain.content(lines)
        },
        AuditTamper(name: "lines 1 and 2 swapped", kind: .reordered, line: 2) { lines in
            var lines = lines
            lines.swapAt(0, 1)
            return AuditTestChain.content(lines)
        },
        AuditTamper(name: "line 6 repeated", kind: .reordered, line: 7) { lines in
            AuditTestChain.content(Array(lines[0..<6] + [lines[5]] + lines[6...]))
        },
        AuditTamper(name: "last line cut off without its newline", kind: .truncated, line: 12) { lines in
            Array(AuditTestChain.content(lines).dropLast(1 + 20))
        },
        AuditTamper(name: "only the last newline removed", kind: .truncated, line: 12) { lines in
            Array(AuditTestChain.content(lines).dropLast())
        },
        AuditTamper(name: "one hex digit of checkpoint 5's signature changed", kind: .badSignature, line: 5,
                    apply: changingLine(5) { line in
                        var text = AuditTestChain.text(line)
                        let start = text.firstRange(of: #""signature":""#)!.upperBound
                        text.replaceSubrange(start...start, with: text[start] == "0" ? "1" : "0")
                        return Array(text.utf8)
                    }),
        AuditTamper(name: "verified with another public key", kind: .badSignature, line: 5, otherKey: true) { lines in
            AuditTestChain.content(lines)
        },
        AuditTamper(name: "line 8 replaced by garbage", kind: .malformed, line: 8, apply: changingLine(8) { _ in Array("garbage".utf8) }),
        AuditTamper(name: "seq of line 6 changed", kind: .edited, line: 6, detail: "seq is 60",
                    apply: changingLine(6) { AuditTestChain.replacing(#"{"seq":6,"#, with: #"{"seq":60,"#, in: $0) }),
        AuditTamper(name: "seq of line 9 changed to the next one", kind: .edited, line: 9,
                    apply: changingLine(9) { AuditTestChain.replacing(#"{"seq":9,"#, with: #"{"seq":10,"#, in: $0) }),
        AuditTamper(name: "prev of line 1 changed", kind: .edited, line: 1, detail: "genesis",
                    apply: changingLine(1) { AuditTestChain.replacing(String(repeating: "0", count: 64),
                                                              with: String(repeating: "0", count: 63) + "1", in: $0) }),
        AuditTamper(name: "blank line inserted after line 4", kind: .malformed, line: 5) { lines in
            AuditTestChain.content(Array(lines[0..<4] + [[]] + lines[4...]))
        },
        AuditTamper(name: "lines 6 and 7 joined", kind: .malformed, line: 6) { lines in
            AuditTestChain.content(Array(lines[0..<5] + [lines[5] + lines[6]] + lines[7...]))
        },
        AuditTamper(name: "type of line 2 removed", kind: .malformed, line: 2,
                    apply: changingLine(2) { AuditTestChain.replacing(#""type":"access","#, with: "", in: $0) }),
    ]
}

struct AuditVerifierTests {
    static let file = AuditTestChain.fileName

    static func verify(_ content: [UInt8], key: Ed25519.PublicKey? = AuditTestChain.key.publicKey) -> AuditVerifier.Report {
        AuditVerifier.verify(files: [(file, content)], publicKey: key)
    }

    /// An intact chain verifies: all lines, first and last seq, both checkpoints, one line after the last.
    @Test func intactChainVerifies() {
        let report = Self.verify(AuditTestChain.content(AuditTestChain.standard))
        #expect(report.isIntact)
        #expect(report.problem == nil)
        #expect(report.lines == 12)
        #expect(report.firstSeq == 1 && report.lastSeq == 12)
        #expect(report.checkpoints == 2 && report.verifiedSignatures == 2)
        #expect(report.linesAfterLastVerifiedCheckpoint == 1)
    }

    /// Ending in a checkpoint leaves no line after the last verified checkpoint; no file at all is an empty intact report.
    @Test func countsAfterLastCheckpoint() {
        let lines = AuditTestChain.lines([.access, .access, .checkpoint])
        let report = Self.verify(AuditTestChain.content(lines))
        #expect(report.isIntact && report.lines == 3 && report.checkpoints == 1)
        #expect(report.linesAfterLastVerifiedCheckpoint == 0)
        for empty in [AuditVerifier.verify(files: [], publicKey: nil), Self.verify([])] {
            #expect(empty.isIntact && empty.lines == 0 && empty.firstSeq == nil && empty.lastSeq == nil && empty.checkpoints == 0)
        }
    }

    /// Each kind of tampering is found, named, and placed at the right file and line.
    @Test(arguments: AuditTamper.all)
    func tamperingIsFound(_ tamper: AuditTamper) throws {
        let key = tamper.otherKey ? Ed25519.PrivateKey.generate().publicKey : AuditTestChain.key.publicKey
        let report = Self.verify(tamper.apply(AuditTestChain.standard), key: key)
        let problem = try #require(report.problem)
        #expect(problem.kind == tamper.kind, "\(problem)")
        #expect(problem.location.description == "\(Self.file):\(tamper.line)", "\(problem)")
        if let detail = tamper.detail {
            #expect(problem.detail.contains(detail), "\(problem)")
        }
        #expect(problem.description.hasPrefix("\(Self.file):\(tamper.line): \(tamper.kind.rawValue): "))
        #expect(!report.isIntact)
        #expect(report.lines == tamper.line - 1 || problem.kind == .edited, "lines before the problem: \(report.lines)")
    }

    /// A chain rewritten consistently from an edited record (new hashes, re-signed with another key) fails at the first checkpoint.
    @Test func rewrittenChainFailsAtCheckpoint() throws {
        let forger = Ed25519.PrivateKey.generate()
        var chain = AuditChain()
        var lines: [[UInt8]] = []
        for (index, kind) in AuditTestChain.standardKinds.enumerated() {
            switch kind {
            case .access:
                var entry = AuditTestChain.entry(index + 1)
                if index == 1 { entry.purpose = "nothing to see" }
                lines.append(chain.append(body: entry.json().encoded()))
            case .checkpoint:
                let time = Timestamp(millisecondsSince1970: 1_795_000_000_000)
                lines.append(chain.append(body: AuditCheckpoint.body(after: chain, signingKey: forger, time: time).encoded()))
            }
        }
        let report = Self.verify(AuditTestChain.content(lines))
        let problem = try #require(report.problem)
        #expect(problem.kind == .badSignature)
        #expect(problem.location.line == 5)
        #expect(report.lines == 4)
        // Without the public key the forgery is a perfectly consistent chain.
        #expect(Self.verify(AuditTestChain.content(lines), key: nil).isIntact)
    }

    /// Without a public key checkpoints are counted but not verified, and a wrong signer is no problem.
    @Test func withoutPublicKeySignaturesAreNotChecked() {
        let lines = AuditTestChain.lines(AuditTestChain.standardKinds, signingKey: Ed25519.PrivateKey.generate())
        let report = Self.verify(AuditTestChain.content(lines), key: nil)
        #expect(report.isIntact)
        #expect(report.lines == 12)
        #expect(report.checkpoints == 2)
        #expect(report.verifiedSignatures == 0)
        #expect(report.linesAfterLastVerifiedCheckpoint == 12)
        #expect(Self.verify(AuditTestChain.content(lines)).problem?.kind == .badSignature)
    }

    // MARK: Missing checkpoints

    /// Lines of a log: `o` an `opened` line (stating `statedCadence` as its
    /// `checkpoint_every_records` when given), `a` an access record, `c` a checkpoint signed with
    /// `signingKey`.
    static func log(_ kinds: String, statedCadence: Int? = nil, signingKey: Ed25519.PrivateKey = AuditTestChain.key) -> [UInt8] {
        var chain = AuditChain()
        let lines = kinds.enumerated().map { index, kind in
            let time = Timestamp(millisecondsSince1970: 1_795_000_000_000 + Int64(index) * 1000)
            switch kind {
            case "o":
                let opened = JSON.object(["type": JSON("opened"), "time": JSON(time.rfc3339), "reason": JSON("start"), "repaired_bytes": JSON(0)])
                if let statedCadence { opened["checkpoint_every_records"] = JSON(statedCadence) }
                return chain.append(body: opened.encoded())
            case "c":
                return chain.append(body: AuditCheckpoint.body(after: chain, signingKey: signingKey, time: time).encoded())
            default:
                return chain.append(body: AuditTestChain.entry(index + 1).json().encoded())
            }
        }
        return AuditTestChain.content(lines)
    }

    /// A log rewritten as a consistent new chain without its checkpoints is not intact when a
    /// public key is given: more lines follow one another unsigned than the writer ever leaves.
    @Test func strippedCheckpointsAreFound() throws {
        let stripped = Self.log("o" + String(repeating: "a", count: 24), statedCadence: 5)
        let report = AuditVerifier.verify(files: [(Self.file, stripped)], publicKey: AuditTestChain.key.publicKey)
        let problem = try #require(report.problem)
        #expect(problem.kind == .unsigned)
        #expect(problem.location.description == "\(Self.file):6", "\(problem)")
        #expect(problem.description.contains("missing checkpoint"))
        #expect(report.verifiedSignatures == 0)
        // Without a key nothing can be said about checkpoints.
        #expect(AuditVerifier.verify(files: [(Self.file, stripped)], publicKey: nil).isIntact)
    }

    /// What the writer does leave unsigned is accepted: up to the cadence in a row (the opened
    /// line counts), the tail of a run that crashed (the next `opened` starts the count over),
    /// and the tail of the log.
    @Test func writerCadenceIsAccepted() {
        let a = { (count: Int) in String(repeating: "a", count: count) }
        let log = Self.log("o" + a(4) + "c" + "o" + a(4) + "c" + a(5) + "c" + a(3) + "o" + a(4) + "c" + a(5), statedCadence: 5)
        let report = AuditVerifier.verify(files: [(Self.file, log)], publicKey: AuditTestChain.key.publicKey)
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.verifiedSignatures == 4 && report.linesAfterLastVerifiedCheckpoint == 5)
        // One line more in a row than the cadence, anywhere, is a missing checkpoint.
        for tooLong in ["o" + a(4) + "c" + a(6) + "c", "o" + a(5) + "c", "o" + a(4) + "c" + a(6)] {
            let problem = AuditVerifier.verify(files: [(Self.file, Self.log(tooLong, statedCadence: 5))],
                                               publicKey: AuditTestChain.key.publicKey).problem
            #expect(problem?.kind == .unsigned, "\(tooLong): \(String(describing: problem))")
        }
    }

    /// The cadence an `opened` line states is the one its run is held to, whatever the option says.
    @Test func openedLineStatesTheCadence() {
        let a = { (count: Int) in String(repeating: "a", count: count) }
        let key = AuditTestChain.key.publicKey
        #expect(AuditVerifier.verify(files: [(Self.file, Self.log("o" + a(9) + "c", statedCadence: 10))], publicKey: key,
                                     checkpointEvery: 5).isIntact)
        #expect(AuditVerifier.verify(files: [(Self.file, Self.log("o" + a(10) + "c", statedCadence: 10))], publicKey: key,
                                     checkpointEvery: 1000).problem?.kind == .unsigned)
    }

    /// A run whose `opened` line states no cadence (an older writer signed at the end of the
    /// batch that reached it) may run to twice the given cadence, not one line more.
    @Test func unstatedCadenceAllowsTwice() {
        let a = { (count: Int) in String(repeating: "a", count: count) }
        let key = AuditTestChain.key.publicKey
        #expect(AuditVerifier.verify(files: [(Self.file, Self.log("o" + a(9) + "c"))], publicKey: key, checkpointEvery: 5).isIntact)
        #expect(AuditVerifier.verify(files: [(Self.file, Self.log("o" + a(10) + "c"))], publicKey: key,
                                     checkpointEvery: 5).problem?.kind == .unsigned)
        // The default cadence (1000) accepts a young log of 25 lines.
        #expect(AuditVerifier.verify(files: [(Self.file, Self.log("o" + a(24)))], publicKey: key).isIntact)
    }

    /// A checkpoint without a signature, or with one that is not hex, is a bad signature.
    @Test(arguments: [nil, "zz", "", String(repeating: "0", count: 128)])
    func unreadableSignatureIsBad(_ signature: String?) throws {
        var lines = AuditTestChain.lines([.access, .checkpoint])
        let checkpoint = try JSON.parse(lines[1])
        #expect(checkpoint.encoded() == lines[1])
        checkpoint["signature"] = signature.map { JSON($0) }
        lines[1] = checkpoint.encoded()
        let problem = try #require(Self.verify(AuditTestChain.content(lines)).problem)
        #expect(problem.kind == .badSignature)
        #expect(problem.location.line == 2)
        #expect(Self.verify(AuditTestChain.content(lines), key: nil).isIntact)
    }

    // MARK: Several files

    static let firstFile = "audit-000000000001.jsonl"
    static let secondFile = "audit-000000000008.jsonl"

    static var splitFiles: [(name: String, content: [UInt8])] {
        [(firstFile, AuditTestChain.content(Array(AuditTestChain.standard[0..<7]))),
         (secondFile, AuditTestChain.content(Array(AuditTestChain.standard[7...])))]
    }

    /// A chain split across two files, the second's first line linking to the first's last, verifies as one.
    @Test func splitAcrossFilesVerifies() throws {
        let files = Self.splitFiles
        let firstLineOfSecond = try AuditLineFields(AuditTestChain.standard[7])
        #expect(firstLineOfSecond.prev == Digest.sha256(AuditTestChain.standard[6]))
        let report = AuditVerifier.verify(files: files, publicKey: AuditTestChain.key.publicKey)
        #expect(report.isIntact)
        #expect(report.lines == 12 && report.firstSeq == 1 && report.lastSeq == 12)
        #expect(report.checkpoints == 2 && report.verifiedSignatures == 2)
        #expect(report.linesAfterLastVerifiedCheckpoint == 1)
    }

    /// Files given in the wrong order do not verify: the first file's records come after the second's.
    @Test func filesInWrongOrderFail() throws {
        let report = AuditVerifier.verify(files: Array(Self.splitFiles.reversed()), publicKey: AuditTestChain.key.publicKey)
        let problem = try #require(report.problem)
        #expect(problem.kind == .reordered || problem.kind == .edited, "\(problem)")
        #expect(problem.location.description == "\(Self.firstFile):1", "\(problem)")
        #expect(report.lines == 5)
    }

    /// Problems in a later file are placed by that file's name and its own line numbers.
    @Test func locationInSecondFile() throws {
        var files = Self.splitFiles
        var lines = Array(AuditTestChain.standard[7...])
        lines[1] = AuditTestChain.replacing(#""purpose":"case 9""#, with: #""purpose":"case 99""#, in: lines[1])
        files[1].content = AuditTestChain.content(lines)
        let problem = try #require(AuditVerifier.verify(files: files, publicKey: nil).problem)
        #expect(problem.kind == .edited)
        #expect(problem.location.description == "\(Self.secondFile):2")
        // A line deleted at the boundary is reported at the second file's first line.
        files = Self.splitFiles
        files[0].content = AuditTestChain.content(Array(AuditTestChain.standard[0..<6]))
        let deleted = try #require(AuditVerifier.verify(files: files, publicKey: nil).problem)
        #expect(deleted.kind == .deleted)
        #expect(deleted.location.description == "\(Self.secondFile):1")
    }

    /// A chain that starts after seq 1 (earlier files not given) verifies from where it starts.
    @Test func laterStartVerifies() {
        let second = Self.splitFiles[1]
        let report = AuditVerifier.verify(files: [second], publicKey: AuditTestChain.key.publicKey)
        #expect(report.isIntact)
        #expect(report.firstSeq == 8 && report.lastSeq == 12 && report.lines == 5)
        #expect(report.checkpoints == 1 && report.verifiedSignatures == 1)

        let head = Digest.sha256(Array("line 41 of an archived file".utf8))
        let lines = AuditTestChain.lines([.access, .checkpoint, .access], from: AuditChain(lastSeq: 41, lastHash: head))
        let continued = Self.verify(AuditTestChain.content(lines))
        #expect(continued.isIntact)
        #expect(continued.firstSeq == 42 && continued.lastSeq == 44)
        #expect(continued.verifiedSignatures == 1 && continued.linesAfterLastVerifiedCheckpoint == 1)
    }

    /// The same content in one file or cut into one file per line verifies the same way.
    @Test func onePerFileVerifies() {
        let files = AuditTestChain.standard.enumerated().map { index, line in
            (name: "audit-\(index + 1).jsonl", content: line + [UInt8(ascii: "\n")])
        }
        let report = AuditVerifier.verify(files: files, publicKey: AuditTestChain.key.publicKey)
        #expect(report == Self.verify(AuditTestChain.content(AuditTestChain.standard)))
    }
}
