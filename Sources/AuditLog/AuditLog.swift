import GatewayCore
import GatewayCrypto

/// The durable, hash-chained audit log, written with group commit.
///
/// Requests hand their record to `append` and wait. One writer thread takes every record
/// that is waiting, chains them, writes them with one `write` and one `fsync`, and only then
/// lets the requests go on — so a response never leaves before its record is on disk, and
/// concurrent requests share the cost of the sync. When writing fails the batch is cut back
/// out of the file, the waiting requests fail, and the writer tries to reopen the log every
/// 0.2 s until it can write again. A record not durable within `audit.append_timeout_ms` fails
/// its request (a hung disk does not hold answers forever), and a watchdog thread says so.
public final class AuditLog: Sendable {
    private let writer: AuditWriter

    /// Opens (or starts) the log in `config.directory`, repairing a torn last line.
    /// - Throws: `AuditLogError` whose `refusesStart` is true: a newest file that ends in a line
    ///   that is not a record, a log that ends before its witness or differs from it. Other
    ///   failures do not throw: the log starts unavailable and recovers by itself.
    /// - Parameters:
    ///   - syscalls: the calls that reach the disk; tests put faults here.
    ///   - onBatch: told, on the writer thread, how many lines each batch wrote and how long its
    ///     fsync took (for metrics).
    ///   - onCheckpoint: told, on the writer thread, each signed checkpoint line once it is durable
    ///     (for `audit.witness_url`); it must not block.
    public init(config: AuditConfig, signingKey: Ed25519.PrivateKey?, syscalls: AuditSyscalls = .system,
                onBatch: @escaping @Sendable (_ lines: Int, _ fsync: Duration?) -> Void = { _, _ in },
                onCheckpoint: @escaping @Sendable (_ line: [UInt8]) -> Void = { _ in }) throws(AuditLogError) {
        writer = try AuditWriter(config: config, signingKey: signingKey, syscalls: syscalls, acceptingLoss: nil,
                                 onBatch: onBatch, onCheckpoint: onCheckpoint)
        NamedThread.start("audit-writer") { [writer] in writer.run() }
        NamedThread.start("audit-watchdog") { [writer] in writer.watch() }
    }

    /// Continues a log that ends before its witness's last checkpoint (a real loss: a restored
    /// backup, a failed disk), so that the gap itself is recorded, signed and witnessed: an
    /// `opened` line with reason `loss` names the witness's last checkpoint and `note`, then a
    /// `closed` line and a checkpoint follow. Run it while no gateway writes the log.
    /// The key is required: `audit verify` takes a loss line for the operator's only when a signed
    /// checkpoint follows it (anyone who can write the log could write the line itself).
    /// - Throws: `.nothingToAccept` when the log is not behind its witness, and what opening it throws.
    public static func acceptLoss(config: AuditConfig, signingKey: Ed25519.PrivateKey, note: String,
                                  syscalls: AuditSyscalls = .system) throws(AuditLogError) -> AuditRunLine.Loss {
        let writer = try AuditWriter(config: config, signingKey: signingKey, syscalls: syscalls, acceptingLoss: note,
                                     onBatch: { _, _ in }, onCheckpoint: { _ in })
        return try writer.recordLoss()
    }

    /// Returns once `entry` is written (and synced, if configured).
    /// - Throws: `.timedOut` when that takes longer than `audit.append_timeout_ms`.
    public func append(_ entry: AuditEntry) async throws(AuditLogError) {
        let body = entry.encoded()
        let result = await withCheckedContinuation { continuation in
            writer.enqueue(body, continuation)
        }
        try result.get()
    }

    /// False while records cannot be written or the disk hangs; `/readyz` reports it.
    public var isWritable: Bool {
        writer.isWritable
    }

    /// From the next checkpoint boundary on, checkpoints are signed with `key`: the current key
    /// signs a checkpoint, a `key` line names the new one, and the new key signs from there.
    public func rotateSigningKey(to key: Ed25519.PrivateKey) {
        writer.rotate(to: key)
    }

    /// Writes what is waiting, a `closed` line and a last checkpoint, and stops the writer.
    /// - Returns: `false` when the writer did not finish within `audit.append_timeout_ms` (it
    ///   hangs in a system call); the log is then left as the disk has it.
    @discardableResult
    public func close() async -> Bool {
        await withCheckedContinuation { continuation in
            writer.stop { continuation.resume(returning: $0) }
        }
    }
}
