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
        return chain.append(body: AuditRunLine.opened(reason: .loss, repairedBytes: 0, checkpointEvery: 5, loss: loss).encoded())
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
}
