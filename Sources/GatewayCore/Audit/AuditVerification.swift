import GatewayCrypto
import GatewayJSON

/// One verification of an audit log, fed a file at a time (so a log of many files never sits in
/// memory at once), in chain order.
///
/// - Chain: every line links to the one before by hash and `seq`; the first line of all links to
///   the genesis hash. A chain that starts later (`--partial`) is verified from where it starts.
/// - Signatures (with `publicKeys`): every checkpoint verifies with the given key its `key_id`
///   names. The first verified checkpoint's key signs from there; another key may take over only
///   after a `key` line naming it.
/// - Cadence (with `publicKeys`): at most `checkpointEvery` lines in a row without a verified
///   checkpoint. The number is the operator's (`--checkpoint-every`, or the config's
///   `audit.checkpoint_every_records`): what the log says about its cadence is not trusted, and an
///   `opened` line does not start the count over. The writer keeps it: it signs after exactly that
///   many lines, counting on after a restart from the last checkpoint on disk.
/// - Witness: every line of `witness` must be in the log, byte for byte, at its `seq`, unless a
///   recorded loss (an `opened` line with reason `loss`) excuses it; a witness line beyond the
///   log's end is a cut tail. A loss excuses only the witness lines up to the one it names (not
///   the checkpoints witnessed after it), and only once a checkpoint after it is signed (with
///   `publicKeys`) or witnessed (without): `audit accept-loss` writes one at once, and whoever
///   can write the log but holds neither the key nor the witness cannot.
/// - Runs: an `opened` line (reason `start` or `loss`) begins a run; a run that ends without a
///   `closed` line and the checkpoint after it (with `publicKeys`, a verified one: a closed line
///   alone is anyone's) ended uncleanly. That is shown, not a problem: a crash is not tampering,
///   and the newest run of a gateway still running has not ended yet.
public struct AuditVerification {
    private typealias Location = AuditVerifier.Location
    private typealias Problem = AuditVerifier.Problem

    private let keys: [String: Ed25519.PublicKey]
    private let checkpointEvery: Int
    private let witness: AuditWitness?
    /// Witness entries by `seq` (after a recorded loss one `seq` can be witnessed twice).
    private let witnessed: [Int: [AuditWitness.Entry]]
    private let coveredSeq: Int?

    private var report = AuditVerifier.Report()
    /// The report before the previous line was counted: restored when that line turns out edited.
    private var reportBeforePrevious = AuditVerifier.Report()
    private var previous: (location: Location, seq: Int, hash: [UInt8])?
    private var unsignedRun = 0
    /// The key that signs from here, named by the first verified checkpoint or a `key` line.
    private var signer: (keyID: String, since: Location)?
    /// Types of the last two lines, newest first: how the run before an `opened` line ended.
    private var lastTypes: (String?, String?) = (nil, nil)
    private var losses: [Loss] = []
    private var isDone = false

    /// - Parameters:
    ///   - publicKeys: the keys checkpoints may be signed with; none: signatures, key changes and
    ///     the cadence are not checked.
    ///   - checkpointEvery: the most lines in a row without a verified checkpoint.
    ///   - stopAfterCheckpointCovering: stop after the first checkpoint after this `seq` (verified,
    ///     with keys): what proves a record (`dossier verify`); later lines are not read.
    public init(publicKeys: [Ed25519.PublicKey], checkpointEvery: Int = AuditConfig.defaultCheckpointEveryRecords,
                witness: AuditWitness? = nil, stopAfterCheckpointCovering coveredSeq: Int? = nil) {
        precondition(checkpointEvery > 0, "checkpointEvery must be positive")
        keys = Dictionary(publicKeys.map { (AuditCheckpoint.keyID(of: $0), $0) }) { first, _ in first }
        self.checkpointEvery = checkpointEvery
        self.witness = witness
        witnessed = Dictionary(grouping: witness?.entries ?? [], by: \.seq)
        self.coveredSeq = coveredSeq
        report.witnessTornBytes = witness?.tornBytes ?? 0
    }

    /// A problem was found, or the covering checkpoint reached: later files need not be read.
    public var isFinished: Bool { isDone }

    /// Checks the next file of the chain; does nothing once a problem was found or the covering
    /// checkpoint reached.
    public mutating func check(file name: String, content: [UInt8]) {
        let lines = Self.split(content)
        for (index, line) in lines.enumerated() where !isDone {
            check(line, at: Location(file: name, line: index + 1), laterInFile: lines[(index + 1)...])
        }
    }

    /// The report, once every file was checked: the witness lines beyond the log's end and how
    /// the newest run ended are settled here.
    public consuming func finish() -> AuditVerifier.Report {
        guard report.problem == nil else { return report }
        if !keys.isEmpty || witness != nil, let unsigned = losses.first(where: { !$0.isSigned }) {
            report = unsigned.reportBefore
            report.problem = Problem(kind: .unsigned, location: unsigned.location,
                                     detail: "a loss line that no \(keys.isEmpty ? "witnessed" : "signed") checkpoint after it covers: "
                                        + "`audit accept-loss` signs (and witnesses) the loss it records, this one the gateway never did")
            return report
        }
        if let witness, let lastSeq = report.lastSeq {
            let limit = report.coveringCheckpoint == nil ? Int.max : lastSeq
            for entry in witness.entries where entry.seq > lastSeq && entry.seq <= limit {
                if isExcused(entry) {
                    report.lostWitnessedCheckpoints += 1
                } else {
                    report.problem = Problem(kind: .witness, location: Location(file: witness.name, line: entry.line),
                                             detail: "witnessed checkpoint seq \(entry.seq) is missing: the log ends at seq \(lastSeq)")
                    return report
                }
            }
        }
        if report.newestRun != nil || report.lines > 0 {
            report.newestRun = AuditVerifier.NewestRun(openedAt: report.newestRun?.openedAt, closed: endsClosed)
        }
        return report
    }

    /// The lines so far end with a closed line and the checkpoint after it (verified, with keys:
    /// a closed line appended to a cut log is no clean stop), or without keys a closed line alone.
    private var endsClosed: Bool {
        (keys.isEmpty && lastTypes.0 == AuditRecordType.closed.rawValue)
            || (lastTypes.0 == AuditRecordType.checkpoint.rawValue && lastTypes.1 == AuditRecordType.closed.rawValue)
    }

    private mutating func fail(_ kind: Problem.Kind, at location: Location, _ detail: String) {
        report.problem = Problem(kind: kind, location: location, detail: detail)
        isDone = true
    }

    private mutating func check(_ line: Line, at location: Location, laterInFile: ArraySlice<Line>) {
        guard line.isComplete else {
            return fail(.truncated, at: location, "the last line is cut off (\(line.bytes.count) bytes without a newline)")
        }
        let fields: AuditLineFields
        do { fields = try AuditLineFields(line.bytes) } catch { return fail(.malformed, at: location, "not an audit record: \(error)") }
        guard linksToPrevious(fields, at: location, laterInFile: laterInFile) else { return }

        let before = report
        let hash = Digest.sha256(line.bytes)
        switch AuditRecordType(rawValue: fields.type) {
        case .checkpoint:
            report.checkpoints += 1
            if !keys.isEmpty {
                guard verifySignature(fields, at: location) else { return }
                report.verifiedSignatures += 1
                report.linesAfterLastVerifiedCheckpoint = -1
                unsignedRun = -1
            }
        case .opened:
            noteOpened(fields, at: location, reportBefore: before)
            guard !isDone else { return }
        case .key:
            guard let keyID = fields.json["key_id"]?.string else { return fail(.malformed, at: location, "a key line without key_id") }
            if !keys.isEmpty { signer = (keyID, location) }
        case .access, .closed, nil:
            break
        }
        // After the line's own kind: a loss line excuses witness lines from its own seq on.
        let witnessedBefore = report.witnessedCheckpoints
        guard matchesWitness(fields.seq, line.bytes, at: location) else { return }
        if fields.type == AuditRecordType.checkpoint.rawValue, !keys.isEmpty || report.witnessedCheckpoints > witnessedBefore {
            // Signed (or, without keys, witnessed): the losses recorded before it are the operator's.
            for index in losses.indices { losses[index].isSigned = true }
        }
        unsignedRun += 1
        if !keys.isEmpty, unsignedRun > checkpointEvery {
            return fail(.unsigned, at: location, "\(unsignedRun) lines in a row without a signed checkpoint, where at most "
                        + "\(checkpointEvery) may be (--checkpoint-every, audit.checkpoint_every_records)")
        }
        report.lines += 1
        report.linesAfterLastVerifiedCheckpoint += 1
        report.firstSeq = report.firstSeq ?? fields.seq
        report.lastSeq = fields.seq
        reportBeforePrevious = before
        previous = (location, fields.seq, hash)
        lastTypes = (fields.type, lastTypes.0)
        if fields.seq == coveredSeq { report.coveredLineSHA256 = hash }
        if let coveredSeq, fields.seq > coveredSeq, fields.type == AuditRecordType.checkpoint.rawValue,
           keys.isEmpty || unsignedRun == 0 {
            report.coveringCheckpoint = location
            isDone = true
        }
    }

    /// Whether `fields` continue the chain; otherwise the problem is noted.
    private mutating func linksToPrevious(_ fields: AuditLineFields, at location: Location, laterInFile: ArraySlice<Line>) -> Bool {
        guard let previous else {
            if fields.seq == 1, fields.prev != AuditChain.genesis {
                fail(.edited, at: location, "the first record must link to the genesis hash")
                return false
            }
            return true
        }
        let expected = previous.seq + 1
        if fields.prev == previous.hash {
            if fields.seq != expected { fail(.edited, at: location, "seq is \(fields.seq) where \(expected) follows the line before") }
        } else if fields.seq == expected {
            // The line before changed: the report counts only the lines before it.
            report = reportBeforePrevious
            fail(.edited, at: previous.location, "its hash no longer matches the link in the next line")
        } else if fields.seq > expected {
            if laterInFile.contains(where: { (try? AuditLineFields($0.bytes))?.seq == expected }) {
                fail(.reordered, at: location, "seq \(fields.seq) comes before seq \(expected)")
            } else {
                let missing = expected == fields.seq - 1 ? "record \(expected) is" : "records \(expected)–\(fields.seq - 1) are"
                fail(.deleted, at: location, "\(missing) missing before this line")
            }
        } else {
            fail(.reordered, at: location, "seq \(fields.seq) after seq \(previous.seq)")
        }
        return !isDone
    }

    /// Whether the line at `seq` is what the witness holds for it (or the witness holds nothing there).
    private mutating func matchesWitness(_ seq: Int, _ bytes: ArraySlice<UInt8>, at location: Location) -> Bool {
        if report.firstSeq == nil, let witness {
            report.witnessLinesBeforeStart = witness.entries.count { $0.seq < seq }
        }
        for entry in witnessed[seq] ?? [] {
            if entry.bytes.elementsEqual(bytes) {
                report.witnessedCheckpoints += 1
            } else if isExcused(entry) {
                report.lostWitnessedCheckpoints += 1
            } else {
                fail(.witness, at: Location(file: witness!.name, line: entry.line),
                     "witnessed checkpoint seq \(seq) differs from the log's line \(location)")
                return false
            }
        }
        return true
    }

    private func isExcused(_ entry: AuditWitness.Entry) -> Bool {
        losses.contains { $0.seqs.contains(entry.seq) && entry.line <= $0.witnessLine }
    }

    /// Checks the signature of a checkpoint and that its key is the one that signs here.
    private mutating func verifySignature(_ fields: AuditLineFields, at location: Location) -> Bool {
        guard let keyID = fields.json["key_id"]?.string else {
            fail(.badSignature, at: location, "the checkpoint names no key_id")
            return false
        }
        guard let key = keys[keyID] else {
            fail(.badSignature, at: location, "signed by key \(keyID), which is not among the given public keys (\(keys.keys.sorted().joined(separator: ", ")))")
            return false
        }
        if let signer, signer.keyID != keyID {
            fail(.keyChange, at: location, "signed by key \(keyID), where key \(signer.keyID) signs since \(signer.since) and no key line names another")
            return false
        }
        guard let signatureText = fields.json["signature"]?.string, let signature = Hex.decode(signatureText),
              key.isValidSignature(signature, for: AuditCheckpoint.message(seq: fields.seq, head: fields.prev))
        else {
            fail(.badSignature, at: location, "the checkpoint's signature does not verify with key \(keyID)")
            return false
        }
        if signer == nil { signer = (keyID, location) }
        if report.signingKeys.last != keyID { report.signingKeys.append(keyID) }
        return true
    }

    /// A new run (reason `start` or `loss`) notes how the one before it ended; a loss is
    /// recorded, and checked against the witness when one is given.
    private mutating func noteOpened(_ fields: AuditLineFields, at location: Location, reportBefore: AuditVerifier.Report) {
        let reason = fields.json["reason"]?.string.flatMap(AuditRunLine.OpenReason.init(rawValue:))
        guard reason != .recovered else { return }
        if reason == .loss {
            guard let loss = AuditRunLine.Loss(json: fields.json["loss"]), loss.witnessSeq >= fields.seq else {
                return fail(.malformed, at: location, "an opened line for a loss without a valid loss member")
            }
            let named = witness?.entry(hashing: loss.witnessLineSHA256)
            if let witness, named?.seq != loss.witnessSeq {
                return fail(.witness, at: location, "records a loss up to witnessed seq \(loss.witnessSeq), "
                            + "but \(witness.name) holds no such line")
            }
            losses.append(Loss(seqs: fields.seq...loss.witnessSeq, witnessLine: named?.line ?? 0, location: location,
                               reportBefore: reportBefore))
            report.losses.append(AuditVerifier.RecordedLoss(location: location, seq: fields.seq, witnessSeq: loss.witnessSeq,
                                                            note: loss.note))
        } else if let previous, !endsClosed {
            report.uncleanEnds.append(previous.location)
        }
        report.newestRun = AuditVerifier.NewestRun(openedAt: location, closed: false)
    }

    private struct Line {
        var bytes: ArraySlice<UInt8>
        var isComplete: Bool
    }

    /// A loss recorded by an `opened` line (reason `loss`).
    private struct Loss {
        /// The seqs whose witness lines it excuses: from its own line up to the witness line it names.
        var seqs: ClosedRange<Int>
        /// The witness's line it names: the witness lines after it were written after the loss.
        var witnessLine: Int
        var location: Location
        /// The report before its line, restored when it turns out not to be the operator's.
        var reportBefore: AuditVerifier.Report
        /// A checkpoint after it is signed (or witnessed, without keys).
        var isSigned = false
    }

    /// Lines of `content`; a last line without a newline is marked incomplete.
    private static func split(_ content: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        for index in content.indices where content[index] == UInt8(ascii: "\n") {
            lines.append(Line(bytes: content[start..<index], isComplete: true))
            start = index + 1
        }
        if start < content.count {
            lines.append(Line(bytes: content[start...], isComplete: false))
        }
        return lines
    }
}
