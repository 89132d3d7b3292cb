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
        AuditVerifier.verify(files: [(file, content)], publicKeys: key.map { [$0] } ?? [])
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
        for empty in [AuditVerifier.verify(files: []), Self.verify([])] {
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
        // Exactly the lines before the bad one count as intact, also when it is found by the line after it.
        #expect(report.lines == tamper.line - 1, "lines before the problem: \(report.lines)")
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
                lines.append(chain.append(body: entry.encoded()))
            case .checkpoint:
                let time = Timestamp(millisecondsSince1970: 1_795_000_000_000)
                lines.append(chain.append(body: AuditCheckpoint.body(after: chain, signingKey: forger, time: time)))
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

    // MARK: Cadence, runs and keys

    /// The key a second signer uses in the rotation fixtures.
    static let secondKey = Ed25519.PrivateKey.generate()

    /// Lines of a log: `o` an `opened` line (stating `statedCadence`), `a` an access record, `c` a
    /// checkpoint signed with the current key, `x` a `closed` line, `k` a `key` line after which the
    /// next of `keys` signs.
    static func lines(_ kinds: String, statedCadence: Int = 1000, keys: [Ed25519.PrivateKey] = [AuditTestChain.key],
                      from start: AuditChain = AuditChain()) -> [[UInt8]] {
        var chain = start
        var signer = 0
        return kinds.enumerated().map { index, kind in
            let time = Timestamp(millisecondsSince1970: 1_795_000_000_000 + Int64(index) * 1000)
            switch kind {
            case "o":
                return chain.append(body: AuditRunLine.opened(reason: .start, repairedBytes: 0, checkpointEvery: statedCadence,
                                                              time: time))
            case "c":
                return chain.append(body: AuditCheckpoint.body(after: chain, signingKey: keys[signer], time: time))
            case "x":
                return chain.append(body: AuditRunLine.closed(time: time))
            case "k":
                signer += 1
                return chain.append(body: AuditRunLine.key(AuditCheckpoint.keyID(of: keys[signer].publicKey),
                                                           previous: AuditCheckpoint.keyID(of: keys[signer - 1].publicKey),
                                                           reason: .reload, time: time))
            default:
                return chain.append(body: AuditTestChain.entry(index + 1).encoded())
            }
        }
    }

    static func log(_ kinds: String, statedCadence: Int = 1000, keys: [Ed25519.PrivateKey] = [AuditTestChain.key]) -> [UInt8] {
        AuditTestChain.content(lines(kinds, statedCadence: statedCadence, keys: keys))
    }

    static func a(_ count: Int) -> String { String(repeating: "a", count: count) }

    static func verify(_ kinds: String, statedCadence: Int = 1000, keys: [Ed25519.PrivateKey] = [AuditTestChain.key],
                       verifyingWith publicKeys: [Ed25519.PublicKey] = [AuditTestChain.key.publicKey],
                       checkpointEvery: Int = 5) -> AuditVerifier.Report {
        AuditVerifier.verify(files: [(file, log(kinds, statedCadence: statedCadence, keys: keys))], publicKeys: publicKeys,
                             checkpointEvery: checkpointEvery)
    }

    /// A log rewritten as a consistent new chain without its checkpoints is not intact when a
    /// public key is given: more lines follow one another unsigned than the operator's cadence.
    @Test func strippedCheckpointsAreFound() throws {
        let report = Self.verify("o" + Self.a(24))
        let problem = try #require(report.problem)
        #expect(problem.kind == .unsigned)
        #expect(problem.location.description == "\(Self.file):6", "\(problem)")
        #expect(problem.description.contains("missing checkpoint"))
        #expect(report.verifiedSignatures == 0 && report.lines == 5)
        // Without a key nothing can be said about checkpoints.
        #expect(Self.verify("o" + Self.a(24), verifyingWith: []).isIntact)
    }

    /// At most the cadence in a row, counting the opened line, anywhere; one line more is a
    /// missing checkpoint.
    @Test func cadenceIsHeld() {
        #expect(Self.verify("o" + Self.a(4) + "c" + Self.a(5) + "c" + Self.a(5)).isIntact)
        for tooLong in ["o" + Self.a(4) + "c" + Self.a(6) + "c", "o" + Self.a(5) + "c", "o" + Self.a(4) + "c" + Self.a(6)] {
            #expect(Self.verify(tooLong).problem?.kind == .unsigned, "\(tooLong)")
        }
    }

    /// The cadence is the operator's: an opened line stating a larger one does not raise it (the
    /// forged-cadence attack), and a smaller stated one does not lower it.
    @Test func statedCadenceIsNotTrusted() {
        let forged = Self.verify("o" + Self.a(9) + "c", statedCadence: 10_000_000)
        #expect(forged.problem?.kind == .unsigned)
        #expect(forged.problem?.location.line == 6)
        #expect(Self.verify("o" + Self.a(9) + "c", statedCadence: 1, checkpointEvery: 10).isIntact)
    }

    /// An opened line does not start the count over: a run that crashed leaves its unsigned tail,
    /// and the next run's lines add to it (an insider inserting opened lines gains nothing).
    @Test func openedLineDoesNotRestartTheCount() throws {
        let problem = try #require(Self.verify("o" + Self.a(4) + "c" + Self.a(3) + "o" + Self.a(2) + "c").problem)
        #expect(problem.kind == .unsigned)
        #expect(problem.location.line == 12, "\(problem)")
        // After a closed run (closed line, checkpoint) the count is at 0 anyway.
        #expect(Self.verify("o" + Self.a(3) + "xc" + "o" + Self.a(4) + "c").isIntact)
        // A crashed run's tail plus the next run's lines within the cadence is fine.
        #expect(Self.verify("o" + Self.a(4) + "c" + Self.a(2) + "o" + Self.a(1) + "c").isIntact)
    }

    /// A run that ends with a closed line and its checkpoint ended cleanly; one that does not is
    /// an unclean end: shown, not a problem.
    @Test func runEndsAreShown() throws {
        let crashed = Self.verify("o" + Self.a(2) + "c" + Self.a(1) + "o" + Self.a(1) + "xc")
        #expect(crashed.isIntact, "\(String(describing: crashed.problem))")
        #expect(crashed.uncleanEnds == [AuditVerifier.Location(file: Self.file, line: 5)])
        #expect(crashed.newestRun == AuditVerifier.NewestRun(openedAt: AuditVerifier.Location(file: Self.file, line: 6), closed: true))

        let running = Self.verify("o" + Self.a(2) + "xc" + "o" + Self.a(2))
        #expect(running.isIntact)
        #expect(running.uncleanEnds.isEmpty)
        #expect(running.newestRun == AuditVerifier.NewestRun(openedAt: AuditVerifier.Location(file: Self.file, line: 6), closed: false))
        // Without a key the closed line alone ends a run cleanly.
        #expect(Self.verify("o" + Self.a(2) + "x", verifyingWith: []).newestRun?.closed == true)
    }

    /// After a key line the key it names signs; verifying needs both public keys, and a checkpoint
    /// by another key without a key line is an unannounced key change.
    @Test func keyRotation() throws {
        let keys = [AuditTestChain.key, Self.secondKey]
        let both = [AuditTestChain.key.publicKey, Self.secondKey.publicKey]
        let rotated = Self.verify("o" + Self.a(2) + "c" + "k" + Self.a(2) + "c", keys: keys, verifyingWith: both)
        #expect(rotated.isIntact, "\(String(describing: rotated.problem))")
        #expect(rotated.signingKeys == both.map(AuditCheckpoint.keyID(of:)))
        #expect(rotated.verifiedSignatures == 2)

        let oldKeyOnly = try #require(Self.verify("o" + Self.a(2) + "c" + "k" + Self.a(2) + "c", keys: keys).problem)
        #expect(oldKeyOnly.kind == .badSignature && oldKeyOnly.location.line == 8)
        #expect(oldKeyOnly.detail.contains(AuditCheckpoint.keyID(of: Self.secondKey.publicKey)))

        // The second key signs without a key line naming it: both keys given, still refused.
        var unannounced = Self.lines("o" + Self.a(2) + "c" + Self.a(2))
        var chain = try AuditChain.after(line: unannounced.last!)
        unannounced.append(chain.append(body: AuditCheckpoint.body(after: chain, signingKey: Self.secondKey,
                                                                    time: Timestamp(millisecondsSince1970: 0))))
        let problem = try #require(AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(unannounced))], publicKeys: both,
                                                        checkpointEvery: 5).problem)
        #expect(problem.kind == .keyChange && problem.location.line == 7, "\(problem)")
    }

    // MARK: Witness

    /// The checkpoint lines of `lines`, as the witness file holds them.
    static func witness(of lines: [[UInt8]], name: String = "witness.jsonl") throws -> AuditWitness {
        let checkpoints = lines.filter { (try? AuditLineFields($0).type) == "checkpoint" }
        return try AuditWitness(name: name, content: AuditTestChain.content(checkpoints))
    }

    static let witnessedKinds = "o" + a(2) + "c" + a(2) + "c" + a(2) + "c" + a(2)

    /// Every witnessed checkpoint in the log: intact, and counted.
    @Test func witnessedLogVerifies() throws {
        let lines = Self.lines(Self.witnessedKinds)
        let report = AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(lines))], publicKeys: [AuditTestChain.key.publicKey],
                                          checkpointEvery: 5, witness: try Self.witness(of: lines))
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.witnessedCheckpoints == 3)
    }

    /// The cut-tail attack: the log's first lines are kept, everything intact, but the witness
    /// names a checkpoint beyond its end, at the witness's file and line.
    @Test func cutTailIsFoundByTheWitness() throws {
        let lines = Self.lines(Self.witnessedKinds)
        let cut = AuditTestChain.content(Array(lines.prefix(6)))
        #expect(AuditVerifier.verify(files: [(Self.file, cut)], publicKeys: [AuditTestChain.key.publicKey], checkpointEvery: 5).isIntact,
                "without the witness a cut tail looks intact")
        let report = AuditVerifier.verify(files: [(Self.file, cut)], publicKeys: [AuditTestChain.key.publicKey], checkpointEvery: 5,
                                          witness: try Self.witness(of: lines))
        let problem = try #require(report.problem)
        #expect(problem.kind == .witness)
        #expect(problem.location.description == "witness.jsonl:2", "\(problem)")
        #expect(problem.detail.contains("seq 7") && problem.detail.contains("ends at seq 6"), "\(problem)")
    }

    /// A witnessed checkpoint whose line differs in the log (a rewritten log, signed again) fails
    /// at the witness's line, naming the log's.
    @Test func changedWitnessedCheckpointIsFound() throws {
        let original = Self.lines(Self.witnessedKinds)
        var rewritten = original
        rewritten[1] = AuditTestChain.replacing(#""purpose":"case 2""#, with: #""purpose":"case 7""#, in: rewritten[1])
        var chain = try AuditChain.after(line: rewritten[1])
        for index in 2..<rewritten.count {
            let fields = try AuditLineFields(rewritten[index])
            fields.json["seq"] = nil
            fields.json["prev"] = nil
            if fields.type == "checkpoint" {
                rewritten[index] = chain.append(body: AuditCheckpoint.body(after: chain, signingKey: AuditTestChain.key,
                                                                             time: Timestamp(millisecondsSince1970: 0)))
            } else {
                rewritten[index] = chain.append(body: fields.json.encoded())
            }
        }
        let content = AuditTestChain.content(rewritten)
        #expect(AuditVerifier.verify(files: [(Self.file, content)], publicKeys: [AuditTestChain.key.publicKey]).isIntact)
        let problem = try #require(AuditVerifier.verify(files: [(Self.file, content)], publicKeys: [AuditTestChain.key.publicKey],
                                                        witness: try Self.witness(of: original)).problem)
        #expect(problem.kind == .witness)
        #expect(problem.location.description == "witness.jsonl:1")
        #expect(problem.detail.contains("\(Self.file):4"), "\(problem)")
    }

    /// A loss recorded by an opened line (reason loss) naming the witness's last line excuses the
    /// witnessed checkpoints from its own seq up to that one, and is shown; a loss line the
    /// witness does not back is a problem.
    @Test func recordedLossExcusesWhatItNames() throws {
        let original = Self.lines(Self.witnessedKinds)
        let witness = try Self.witness(of: original)
        let lastWitnessed = try #require(witness.last)
        /// The original's first 5 lines, then a loss line naming the witness line that hashes to
        /// `hash`, a record, and a closed line with its checkpoint.
        func lost(namingWitnessLine hash: String) throws -> AuditVerifier.Report {
            var lines = Array(original.prefix(5))
            var chain = try AuditChain.after(line: lines[4])
            let loss = AuditRunLine.Loss(witnessSeq: lastWitnessed.seq, witnessLineSHA256: hash, note: "disk replaced, INC-7")
            lines.append(chain.append(body: AuditRunLine.opened(reason: .loss, repairedBytes: 0, checkpointEvery: 5, loss: loss)))
            lines += Self.lines("axc", from: chain)
            return AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(lines))], publicKeys: [AuditTestChain.key.publicKey],
                                        checkpointEvery: 5, witness: witness)
        }
        let report = try lost(namingWitnessLine: Hex.encode(Digest.sha256(lastWitnessed.bytes)))
        #expect(report.isIntact, "\(String(describing: report.problem))")
        #expect(report.losses == [AuditVerifier.RecordedLoss(location: AuditVerifier.Location(file: Self.file, line: 6), seq: 6,
                                                             witnessSeq: lastWitnessed.seq, note: "disk replaced, INC-7")])
        #expect(report.witnessedCheckpoints == 1 && report.lostWitnessedCheckpoints == 2)
        #expect(report.uncleanEnds.isEmpty, "a recorded loss is shown as a loss")

        let unbacked = try #require(try lost(namingWitnessLine: String(repeating: "0", count: 64)).problem)
        #expect(unbacked.kind == .witness && unbacked.location.line == 6, "\(unbacked)")
    }

    /// A witness line that is not a checkpoint line is named at its line; a torn last line is ignored.
    @Test func witnessFileIsChecked() throws {
        let lines = Self.lines(Self.witnessedKinds)
        let error = #expect(throws: AuditVerifier.Problem.self) {
            try AuditWitness(name: "w.jsonl", content: AuditTestChain.content([lines[3], lines[1]]))
        }
        #expect(error?.location.description == "w.jsonl:2")
        let torn = try AuditWitness(name: "w.jsonl", content: AuditTestChain.content([lines[3]]) + Array(lines[6].prefix(20)))
        #expect(torn.entries.count == 1 && torn.tornBytes == 20)
    }

    // MARK: Robustness and reporting

    /// Absurd, negative and overflowing seqs and huge lines are malformed lines, reported, never a trap.
    @Test(arguments: [
        (#"{"seq":9223372036854775807,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, "outside"),
        (#"{"seq":-3,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, "outside"),
        (#"{"seq":99999999999999999999999,"prev":"\#(String(repeating: "0", count: 64))","type":"access"}"#, "not a JSON object"),
        (#"{"seq":1,"prev":"\#(String(repeating: "0", count: 64))","type":"access","purpose":"\#(String(repeating: "x", count: 1 << 21))"}"#,
         "bytes, where a record has at most"),
    ])
    func absurdLinesAreMalformed(_ line: String, _ detail: String) throws {
        let content = AuditTestChain.content(Array(AuditTestChain.standard.prefix(3)) + [Array(line.utf8)])
        let problem = try #require(Self.verify(content).problem)
        #expect(problem.kind == .malformed && problem.location.line == 4, "\(problem)")
        #expect(problem.detail.contains(detail), "\(problem.detail.prefix(200))")
    }

    /// A chain at the largest seq verifies (as a later segment) without overflowing.
    @Test func largestSeqVerifies() {
        let lines = AuditTestChain.lines([.access, .checkpoint], from: AuditChain(lastSeq: AuditChain.maxSeq - 2, lastHash: AuditChain.genesis))
        let report = Self.verify(AuditTestChain.content(lines))
        #expect(report.isIntact && report.lastSeq == AuditChain.maxSeq)
    }

    /// Verification that stops at the first checkpoint after a seq: what proves a record; later
    /// lines (here an edited one) are not read.
    @Test func stopsAtTheCoveringCheckpoint() {
        var lines = AuditTestChain.standard
        lines[7] = AuditTestChain.replacing(#""purpose":"case 8""#, with: #""purpose":"case 0""#, in: lines[7])
        var verification = AuditVerification(publicKeys: [AuditTestChain.key.publicKey], stopAfterCheckpointCovering: 2)
        verification.check(file: Self.file, content: AuditTestChain.content(lines))
        #expect(verification.isFinished)
        let report = verification.finish()
        #expect(report.isIntact)
        #expect(report.coveringCheckpoint == AuditVerifier.Location(file: Self.file, line: 5))
        #expect(report.lastSeq == 5 && report.verifiedSignatures == 1)
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
        let report = AuditVerifier.verify(files: files, publicKeys: [AuditTestChain.key.publicKey])
        #expect(report.isIntact)
        #expect(report.lines == 12 && report.firstSeq == 1 && report.lastSeq == 12)
        #expect(report.checkpoints == 2 && report.verifiedSignatures == 2)
        #expect(report.linesAfterLastVerifiedCheckpoint == 1)
    }

    /// Files given in the wrong order do not verify: the first file's records come after the second's.
    @Test func filesInWrongOrderFail() throws {
        let report = AuditVerifier.verify(files: Array(Self.splitFiles.reversed()), publicKeys: [AuditTestChain.key.publicKey])
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
        let problem = try #require(AuditVerifier.verify(files: files, publicKeys: []).problem)
        #expect(problem.kind == .edited)
        #expect(problem.location.description == "\(Self.secondFile):2")
        // A line deleted at the boundary is reported at the second file's first line.
        files = Self.splitFiles
        files[0].content = AuditTestChain.content(Array(AuditTestChain.standard[0..<6]))
        let deleted = try #require(AuditVerifier.verify(files: files, publicKeys: []).problem)
        #expect(deleted.kind == .deleted)
        #expect(deleted.location.description == "\(Self.secondFile):1")
    }

    /// A chain that starts after seq 1 (earlier files not given) verifies from where it starts.
    @Test func laterStartVerifies() {
        let second = Self.splitFiles[1]
        let report = AuditVerifier.verify(files: [second], publicKeys: [AuditTestChain.key.publicKey])
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
        let report = AuditVerifier.verify(files: files, publicKeys: [AuditTestChain.key.publicKey])
        #expect(report == Self.verify(AuditTestChain.content(AuditTestChain.standard)))
    }
}
