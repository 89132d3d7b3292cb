import GatewayCore
import GatewayCrypto

/// Finds where the chain ends on disk and opens the file to continue it, cutting off a line torn
/// by a crash; checks the log against its witness. Reads only the files' tails, backward, so the
/// memory it needs does not grow with the log.
enum AuditLogOpener {
    struct Opened {
        var file: AuditFile
        var chain: AuditChain
        /// Bytes of a torn last line that were cut off.
        var repairedBytes: Int
        /// Lines after the log's last checkpoint (at most the cadence), when `Scan.sinceCheckpoint`.
        var linesSinceCheckpoint: Int
        /// The key that signs the log from its end on, when the scan found a checkpoint: the key a
        /// `key` line after the last checkpoint names (a rotation not yet signed for), else that
        /// checkpoint's.
        var signerKeyID: String?
        var witness: AuditWitnessFile?
        /// The loss to record, when opened to accept one.
        var loss: AuditRunLine.Loss?
    }

    /// How far back the newest lines are read.
    enum Scan {
        /// Only the last line: reopening in a run whose writer knows its counts.
        case lastLine
        /// Back to the last checkpoint, or `limit` lines: a start, which continues the cadence
        /// count where the log left it.
        case sinceCheckpoint(limit: Int)
    }

    /// - Parameter acceptingLoss: the operator's note when a log that ends before its witness's
    ///   last checkpoint is to be continued, recording the loss (`audit accept-loss`).
    static func open(_ config: AuditConfig, syscalls: AuditSyscalls, scan: Scan, acceptingLoss: String? = nil) throws(AuditLogError) -> Opened {
        var files: [String]
        do {
            try AuditDirectory.create(config.directory)
            files = try AuditDirectory.logFiles(of: config)
        } catch {
            throw .unavailable(error.description)
        }
        var opened: Opened
        if files.isEmpty {
            do {
                let file = try AuditFile.open(config.directory + "/" + config.fileName(firstSeq: 1), mode: .create, syscalls: syscalls)
                opened = Opened(file: file, chain: AuditChain(), repairedBytes: 0, linesSinceCheckpoint: 0)
                files = [file.path]
            } catch {
                throw .unavailable(error.description)
            }
        } else {
            opened = try openNewest(files, syscalls: syscalls)
        }
        do throws(AuditLogError) {
            // Every (re)open syncs the folder: a file created just before a failure may not be on disk by name.
            do { try AuditDirectory.sync(config.directory, syscalls: syscalls) } catch { throw AuditLogError.unavailable(error.description) }
            if !opened.chain.hasRoomToContinue {
                throw AuditLogError.corruptTail(path: opened.file.path, reason: "seq \(opened.chain.lastSeq) is beyond \(AuditChain.maxSeq / 2), "
                                                + "which no log reaches by writing")
            }
            let witness = try config.witnessFile.map { path throws(AuditLogError) in try AuditWitnessFile.open(path, syscalls: syscalls) }
            opened.witness = witness
            do throws(AuditLogError) {
                try scanBack(files, into: &opened, scan: scan, syscalls: syscalls, acceptingLoss: acceptingLoss)
            } catch {
                witness?.close()
                throw error
            }
            return opened
        } catch {
            opened.file.close()
            throw error
        }
    }

    /// The newest file, with a torn last line cut off; when it holds no complete line (a crash
    /// right after rotation) the chain continues from the file before it. Starting a new chain
    /// instead would fork it silently inside a file named for a later `seq`, so anything else fails.
    private static func openNewest(_ files: [String], syscalls: AuditSyscalls) throws(AuditLogError) -> Opened {
        var file: AuditFile
        do { file = try AuditFile.open(files[files.count - 1], mode: .append, syscalls: syscalls) } catch { throw .unavailable(error.description) }
        do throws(AuditLogError) {
            let size = file.size
            let end = try AuditBackwardReader.completeEnd(of: file)
            if end < size {
                do { try file.truncate(to: end) } catch { throw AuditLogError.unavailable(error.description) }
            }
            var chain = AuditChain()
            if let last = try lastLine(of: file, end: end) {
                chain = try continuing(after: last, in: file.path)
            } else if files.count > 1 {
                let previous = try readOnly(files[files.count - 2], syscalls: syscalls)
                defer { previous.close() }
                guard let last = try lastLine(of: previous, end: AuditBackwardReader.completeEnd(of: previous)) else {
                    throw AuditLogError.corruptTail(path: previous.path, reason: "no complete line, but a later file exists")
                }
                chain = try continuing(after: last, in: previous.path)
            }
            return Opened(file: file, chain: chain, repairedBytes: size - end, linesSinceCheckpoint: 0)
        } catch {
            file.close()
            throw error
        }
    }

    /// Reads lines backward from the chain's end, across files, for as long as the scan and the
    /// witness check need: counting lines since the last checkpoint, and finding the line at the
    /// witness's last `seq`. A witness line beyond the log's end is a cut (or a loss to accept);
    /// the log's last checkpoint is added to a witness that lacks it (a crash between the two).
    private static func scanBack(_ files: [String], into opened: inout Opened, scan: Scan, syscalls: AuditSyscalls,
                                 acceptingLoss: String?) throws(AuditLogError) {
        var witnessed = try witnessLineToFind(in: &opened, acceptingLoss: acceptingLoss)
        var counting: Int?
        if case .sinceCheckpoint(let limit) = scan { counting = limit }
        var count = 0
        var lastCheckpoint: [UInt8]?
        var signerFromKeyLine: String?
        var lines = LinesBackward(files: files, newest: opened.file, syscalls: syscalls)
        defer { lines.close() }
        /// The line read before (the one after this in the chain), which must link to this one.
        var later: (seq: Int, prev: [UInt8], path: String)?
        while counting != nil || witnessed != nil, let line = try lines.next() {
            let fields: AuditLineFields
            do { fields = try AuditLineFields(line) } catch { throw .corruptTail(path: lines.path, reason: "a line before the last: \(error)") }
            // The tail no checkpoint signs yet is where someone who can write the volume can change
            // lines unseen until verify: the writer does not continue (and sign) a broken chain.
            if let later, later.seq != fields.seq + 1 || later.prev != Digest.sha256(line) {
                throw .brokenTail(path: later.path, reason: "its line at seq \(later.seq) does not link to the line before it "
                                  + "(seq \(fields.seq) in \(lines.path)): lines after the last checkpoint were changed")
            }
            later = (fields.seq, fields.prev, lines.path)
            if let limit = counting {
                if fields.type == AuditRecordType.key.rawValue, signerFromKeyLine == nil {
                    signerFromKeyLine = fields.json["key_id"]?.string
                }
                if fields.type == AuditRecordType.checkpoint.rawValue {
                    opened.signerKeyID = signerFromKeyLine ?? fields.json["key_id"]?.string
                    lastCheckpoint = line
                    counting = nil
                } else if count == limit {
                    counting = nil
                } else {
                    count += 1
                }
            }
            if let expected = witnessed, fields.seq <= expected.seq {
                guard fields.seq == expected.seq, line == expected.bytes else {
                    throw .witnessMismatch(log: lines.path, witness: opened.witness!.path, seq: expected.seq)
                }
                witnessed = nil
            }
        }
        if let witnessed {
            // No line at that seq at all: the files that held it are gone.
            throw .behindWitness(log: lines.path, logSeq: opened.chain.lastSeq, witness: opened.witness!.path, witnessSeq: witnessed.seq)
        }
        opened.linesSinceCheckpoint = count
        if let lastCheckpoint, opened.loss == nil, var witness = opened.witness,
           let seq = try? AuditLineFields(lastCheckpoint).seq, seq > witness.last?.seq ?? 0 {
            do { try witness.append([lastCheckpoint], sync: true) } catch { throw .unavailable(error.description) }
            opened.witness = witness
        }
    }

    /// The witness's last line, which the log must hold; `nil` when there is none to look for.
    /// When the log ends before it, that is refused, or recorded as a loss when accepting one.
    private static func witnessLineToFind(in opened: inout Opened, acceptingLoss: String?) throws(AuditLogError) -> (seq: Int, bytes: [UInt8])? {
        let logSeq = opened.chain.lastSeq
        guard let witness = opened.witness else {
            if acceptingLoss != nil { throw .nothingToAccept(log: opened.file.path, logSeq: logSeq, witness: "(no audit.witness_file)") }
            return nil
        }
        guard let last = witness.last, last.seq > logSeq else {
            if acceptingLoss != nil { throw .nothingToAccept(log: opened.file.path, logSeq: logSeq, witness: witness.path) }
            return witness.last
        }
        guard let note = acceptingLoss else {
            throw .behindWitness(log: opened.file.path, logSeq: logSeq, witness: witness.path, witnessSeq: last.seq)
        }
        opened.loss = AuditRunLine.Loss(witnessSeq: last.seq, witnessLineSHA256: Hex.encode(Digest.sha256(last.bytes)), note: note)
        return nil
    }

    /// The log's complete lines from its end backward, file after file.
    private struct LinesBackward {
        private let files: [String]
        private let newest: AuditFile
        private let syscalls: AuditSyscalls
        private var index: Int
        private var file: AuditFile
        private var reader: AuditBackwardReader

        init(files: [String], newest: AuditFile, syscalls: AuditSyscalls) {
            self.files = files
            self.newest = newest
            self.syscalls = syscalls
            index = files.count - 1
            file = newest
            reader = AuditBackwardReader(newest, end: newest.size)
        }

        /// The file the last line came from.
        var path: String { file.path }

        mutating func next() throws(AuditLogError) -> [UInt8]? {
            while true {
                if let line = try reader.previousLine() { return line.bytes }
                guard index > 0 else { return nil }
                index -= 1
                close()
                file = try readOnly(files[index], syscalls: syscalls)
                reader = AuditBackwardReader(file, end: try AuditBackwardReader.completeEnd(of: file))
            }
        }

        /// Closes the older file being read (the newest stays open for writing).
        func close() {
            if file.descriptor != newest.descriptor { file.close() }
        }
    }

    private static func readOnly(_ path: String, syscalls: AuditSyscalls) throws(AuditLogError) -> AuditFile {
        do { return try AuditFile.open(path, mode: .read, syscalls: syscalls) } catch { throw .unavailable(error.description) }
    }

    private static func lastLine(of file: AuditFile, end: Int) throws(AuditLogError) -> [UInt8]? {
        var reader = AuditBackwardReader(file, end: end)
        return try reader.previousLine()?.bytes
    }

    /// The chain after `line`, an existing last line.
    private static func continuing(after line: [UInt8], in path: String) throws(AuditLogError) -> AuditChain {
        do {
            return try AuditChain.after(line: line)
        } catch {
            throw .corruptTail(path: path, reason: error.description)
        }
    }
}
