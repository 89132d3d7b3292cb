import Foundation
import GatewayCore
import GatewayCrypto
import GatewayJSON

/// The durable, hash-chained audit log, written with group commit.
///
/// Requests hand their record to `append` and wait. One writer thread takes every record
/// that is waiting, chains them, writes them with one `write` and one `fsync`, and only then
/// lets the requests go on — so a response never leaves before its record is on disk, and
/// concurrent requests share the cost of the sync. When writing fails the batch is cut back
/// out of the file, the waiting requests fail, and the writer tries to reopen the log every
/// 0.2 s until it can write again.
public final class AuditLog: Sendable {
    private let writer: AuditWriter

    /// Opens (or starts) the log in `config.directory`, repairing a torn last line.
    /// - Throws: `AuditLogError.corruptTail` when the newest file ends in a line that is not a record.
    ///   Other failures do not throw: the log starts unavailable and recovers by itself.
    /// - Parameter onBatch: told, on the writer thread, how many lines each batch wrote and how
    ///   long its fsync took (for metrics).
    public init(config: AuditConfig, signingKey: Ed25519.PrivateKey?,
                onBatch: @escaping @Sendable (_ lines: Int, _ fsync: Duration?) -> Void = { _, _ in }) throws(AuditLogError) {
        writer = try AuditWriter(config: config, signingKey: signingKey, onBatch: onBatch)
        // Named from inside: on Linux a name given before `start` is not applied.
        Thread { [writer] in
            Thread.current.name = "audit-writer"
            writer.run()
        }.start()
    }

    /// Returns once `entry` is written (and synced, if configured).
    public func append(_ entry: AuditEntry) async throws(AuditLogError) {
        let body = entry.json().encoded()
        let result = await withCheckedContinuation { continuation in
            writer.enqueue(body, continuation)
        }
        try result.get()
    }

    /// False while records cannot be written; `/readyz` reports it.
    public var isWritable: Bool {
        writer.isWritable
    }

    /// Writes what is waiting, a last checkpoint, and stops the writer.
    public func close() async {
        await withCheckedContinuation { continuation in
            writer.stop { continuation.resume() }
        }
    }
}
