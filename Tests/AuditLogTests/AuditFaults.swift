import AuditLog
import Foundation
import Glibc
import Synchronization

/// The audit log's system calls with faults a test switches on and off, and the order of the
/// calls that reached the disk, so a test can tell that a record was synced before its append
/// returned (which `kill -9` cannot show: the page cache survives it).
final class AuditFaults: Sendable {
    enum Call: Equatable, CustomStringConvertible {
        case write(path: String, bytes: [UInt8])
        case fsync(path: String)
        case truncate(path: String, size: Int)

        var description: String {
            switch self {
            case .write(let path, let bytes): "write(\(path.split(separator: "/").last ?? ""), \(bytes.count) bytes)"
            case .fsync(let path): "fsync(\(path.split(separator: "/").last ?? ""))"
            case .truncate(let path, let size): "ftruncate(\(path.split(separator: "/").last ?? ""), \(size))"
            }
        }
    }

    struct Settings {
        /// `errno` for every `fsync` of a path ending so (a file name or the folder's path).
        var failFsync: [String: Int32] = [:]
        /// `errno` for every `write`.
        var failWrite: Int32?
        /// `errno` for every `ftruncate`.
        var failTruncate: Int32?
        /// `errno` for every `ftruncate` of a path ending so.
        var failTruncateOf: [String: Int32] = [:]
        /// `fsync` of log files blocks until `release()`.
        var hangFsync = false
    }

    private let state = Mutex((settings: Settings(), calls: [Call](), bytesRead: 0))
    private let hang = NSCondition()
    private let hanging = Mutex(false)

    func set(_ change: (inout Settings) -> Void) {
        state.withLock { change(&$0.settings) }
    }

    /// Lets hung `fsync`s go on (and stops hanging new ones).
    func release() {
        set { $0.hangFsync = false }
        hang.withLock { hang.broadcast() }
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var bytesRead: Int { state.withLock { $0.bytesRead } }
    var isHanging: Bool { hanging.withLock { $0 } }

    func resetBytesRead() {
        state.withLock { $0.bytesRead = 0 }
    }

    var syscalls: AuditSyscalls {
        AuditSyscalls(
            write: { [self] path, descriptor, bytes in
                if let code = state.withLock({ $0.settings.failWrite }) { return -Int(code) }
                let count = AuditSyscalls.system.write(path, descriptor, bytes)
                if count > 0 { state.withLock { $0.calls.append(.write(path: path, bytes: Array(bytes.prefix(count)))) } }
                return count
            },
            read: { [self] path, descriptor, buffer, offset in
                let count = AuditSyscalls.system.read(path, descriptor, buffer, offset)
                if count > 0 { state.withLock { $0.bytesRead += count } }
                return count
            },
            fsync: { [self] path, descriptor in
                let (code, hangs) = state.withLock { state in
                    (state.settings.failFsync.first { path.hasSuffix($0.key) }?.value, state.settings.hangFsync && path.hasSuffix(".jsonl"))
                }
                if let code { return -code }
                if hangs {
                    hanging.withLock { $0 = true }
                    hang.withLock {
                        while state.withLock({ $0.settings.hangFsync }) { hang.wait() }
                    }
                    hanging.withLock { $0 = false }
                }
                let result = AuditSyscalls.system.fsync(path, descriptor)
                if result == 0 { state.withLock { $0.calls.append(.fsync(path: path)) } }
                return result
            },
            truncate: { [self] path, descriptor, size in
                let failure = state.withLock { state in
                    state.settings.failTruncate ?? state.settings.failTruncateOf.first { path.hasSuffix($0.key) }?.value
                }
                if let code = failure { return -code }
                let result = AuditSyscalls.system.truncate(path, descriptor, size)
                if result == 0 { state.withLock { $0.calls.append(.truncate(path: path, size: size)) } }
                return result
            })
    }
}
