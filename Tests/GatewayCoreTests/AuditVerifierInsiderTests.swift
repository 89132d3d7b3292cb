import GatewayCore
import GatewayCrypto
import Testing

/// Attacks on `audit verify` by someone who can write the audit volume, but neither the witness
/// nor the signing key: lines they can add that the gateway never signed must not excuse a cut,
/// nor claim a clean stop.
struct AuditVerifierInsiderTests {
    typealias Fixture = AuditVerifierTests
    static let file = AuditTestChain.fileName
    static let publicKeys = [AuditTestChain.key.publicKey]

    /// An `opened` line of reason `loss` after `chain`, naming `witnessed` as the witness's last line.
    static func lossLine(after chain: inout AuditChain, naming witnessed: AuditWitness.Entry) -> [UInt8] {
        let loss = AuditRunLine.Loss(witnessSeq: witnessed.seq, witnessLineSHA256: Hex.encode(Digest.sha256(witnessed.bytes)),
                                     note: "disk failure, accepted by the CISO")
        return chain.append(body: AuditRunLine.opened(reason: .loss, repairedBytes: 0, checkpointEvery: 5, loss: loss))
    }

    /// Cut the tail, then write a loss line naming the witness's last checkpoint (the witness can
    /// be read, and the log held it): no checkpoint after it is signed, so it is not the
    /// operator's `audit accept-loss`. It excuses nothing and fails where it stands, with or
    /// without the public key, and also when a closed line follows it.
    @Test(arguments: ["", "x", "xa"])
    func forgedLossDoesNotExcuseACutTail(_ after: String) throws {
        let original = Fixture.lines(Fixture.witnessedKinds)
        let witness = try Fixture.witness(of: original)
        var lines = Array(original.prefix(5))
        var chain = try AuditChain.after(line: lines[4])
        lines.append(Self.lossLine(after: &chain, naming: try #require(witness.last)))
        lines += Fixture.lines(after, from: chain)
        for keys in [Self.publicKeys, []] {
            let report = AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(lines))], publicKeys: keys,
                                              checkpointEvery: 5, witness: witness)
            let problem = try #require(report.problem, "keys: \(keys.count)")
            #expect(problem.kind == .unsigned, "\(problem)")
            #expect(problem.location.description == "\(Self.file):6", "\(problem)")
            #expect(problem.detail.contains("accept-loss"), "\(problem)")
            #expect(report.lines == 5, "only the lines before the loss line are intact")
        }
    }

    /// After a genuine loss (signed, witnessed), the new run's witnessed checkpoints at seqs the
    /// loss names are not excused by it: cutting the new run's tail is still found.
    @Test func genuineLossDoesNotExcuseLaterCheckpoints() throws {
        let original = Fixture.lines("o" + String(repeating: "aac", count: 6))
        let oldWitness = try Fixture.witness(of: original)
        var lines = Array(original.prefix(5))
        var chain = try AuditChain.after(line: lines[4])
        lines.append(Self.lossLine(after: &chain, naming: try #require(oldWitness.last)))
        // accept-loss's closed line and checkpoint (seq 7, 8), then a new run whose checkpoint is seq 11.
        lines += Fixture.lines("xc" + "oac" + "aa", from: chain)
        let witness = try Fixture.witness(of: original + lines[6...])
        #expect(witness.entries.map(\.seq) == [4, 7, 10, 13, 16, 19, 8, 11])
        let whole = AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(lines))], publicKeys: Self.publicKeys,
                                         checkpointEvery: 5, witness: witness)
        #expect(whole.isIntact, "\(String(describing: whole.problem))")

        let cut = AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(Array(lines.prefix(10))))],
                                       publicKeys: Self.publicKeys, checkpointEvery: 5, witness: witness)
        let problem = try #require(cut.problem)
        #expect(problem.kind == .witness, "\(problem)")
        #expect(problem.location.description == "witness.jsonl:8", "\(problem)")
        #expect(problem.detail.contains("seq 11"), "\(problem)")
    }

    /// With the public key, a closed line alone is no clean stop: the gateway signs a checkpoint
    /// right after its closed line, and a closed line appended to a cut log is not signed. The
    /// newest run shows as an unclean end, and so does an earlier run before the next opened line.
    @Test func unsignedClosedLineIsNoCleanEnd() {
        let newest = Fixture.verify("o" + Fixture.a(2) + "c" + Fixture.a(1) + "x")
        #expect(newest.isIntact, "\(String(describing: newest.problem))")
        #expect(newest.newestRun?.closed == false)

        let earlier = Fixture.verify("o" + Fixture.a(2) + "c" + "x" + "o" + Fixture.a(1) + "xc")
        #expect(earlier.isIntact, "\(String(describing: earlier.problem))")
        #expect(earlier.uncleanEnds == [AuditVerifier.Location(file: Self.file, line: 5)])
        #expect(earlier.newestRun?.closed == true)
    }

    /// Proving a record: verification stops at the checkpoint covering its seq and names the hash of
    /// the chain's own line at that seq, which a record read from elsewhere must match.
    @Test func coveredLineIsTheChainsOwn() {
        var verification = AuditVerification(publicKeys: Self.publicKeys, stopAfterCheckpointCovering: 3)
        verification.check(file: Self.file, content: AuditTestChain.content(AuditTestChain.standard))
        let report = verification.finish()
        #expect(report.coveringCheckpoint == AuditVerifier.Location(file: Self.file, line: 5))
        #expect(report.coveredLineSHA256 == Digest.sha256(AuditTestChain.standard[2]))
        #expect(AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(AuditTestChain.standard))]).coveredLineSHA256 == nil)
    }

    /// `lines` from `index` on chained anew after the line before it, as an insider rewriting the
    /// log does (checkpoints keep their signature, which then signs another head).
    static func rechained(_ lines: [[UInt8]], from index: Int) throws -> [[UInt8]] {
        var chain = try AuditChain.after(line: lines[index - 1])
        return try Array(lines[..<index]) + lines[index...].map { line in
            let fields = try AuditLineFields(line)
            fields.json["seq"] = nil
            fields.json["prev"] = nil
            return chain.append(body: fields.json.encoded())
        }
    }

    /// Attacks that hold, each refused where it stands (the file's 1-based line and the kind).
    static let heldAttacks: [(name: String, line: Int, kind: AuditVerifier.Problem.Kind,
                              tamper: @Sendable ([[UInt8]]) throws -> [[UInt8]])] = [
        ("a checkpoint replayed at the end", 13, .reordered, { lines in lines + [lines[3]] }),
        ("a checkpoint replayed and the chain redone", 8, .badSignature, { lines in
            try rechained(Array(lines[..<7]) + [lines[3]] + lines[7...], from: 7)
        }),
        ("a key line naming the insider's key, which signs after it", 13, .badSignature, { lines in
            let chain = try AuditChain.after(line: lines[9])
            return Array(lines[..<10]) + Fixture.lines("kac", keys: [AuditTestChain.key, .generate()], from: chain)
        }),
        ("a record deleted and the chain redone", 6, .badSignature, { lines in
            try rechained(Array(lines[..<4]) + lines[5...], from: 4)
        }),
        ("records reordered and the chain redone", 7, .badSignature, { lines in
            try rechained(Array(lines[..<4]) + [lines[5], lines[4]] + lines[6...], from: 4)
        }),
        ("another log's tail spliced on (same key)", 6, .edited, { lines in
            Array(lines[..<6]) + Fixture.lines(Fixture.witnessedKinds, statedCadence: 7).dropFirst(6)
        }),
        ("a duplicate seq member", 5, .malformed, { lines in
            var lines = lines
            lines[4] = Array(lines[4].dropLast()) + Array(#","seq":99}"#.utf8)
            return lines
        }),
        ("a byte that is not UTF-8", 5, .malformed, { lines in
            var lines = lines
            lines[4] = AuditTestChain.replacing("case 5", with: "case \u{FFFD}", in: lines[4])
            let replacement = Array("\u{FFFD}".utf8)
            let at = try #require(lines[4].firstRange(of: replacement))
            lines[4].replaceSubrange(at, with: [0xFF])
            return lines
        }),
    ]

    @Test(arguments: heldAttacks.indices)
    func attackHolds(_ index: Int) throws {
        let attack = Self.heldAttacks[index]
        let original = Fixture.lines(Fixture.witnessedKinds)
        let tampered = try attack.tamper(original)
        let report = AuditVerifier.verify(files: [(Self.file, AuditTestChain.content(tampered))], publicKeys: Self.publicKeys,
                                          checkpointEvery: 5)
        let problem = try #require(report.problem, "\(attack.name)")
        #expect(problem.kind == attack.kind && problem.location.line == attack.line, "\(attack.name): \(problem)")
    }
}
