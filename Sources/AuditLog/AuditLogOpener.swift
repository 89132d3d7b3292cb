import GatewayCore
import Glibc

/// Finds where the chain ends on disk and opens the file to continue it, cutting off a
/// line torn by a crash.
enum AuditLogOpener {
    struct Opened {
        var file: AuditFile
        var chain: AuditChain
        /// Bytes of a torn last line that were cut off.
        var repairedBytes: Int
    }

    static func open(_ config: AuditConfig) throws(AuditLogError) -> Opened {
        do {
            try AuditDirectory.create(config.directory)
            guard let files = AuditDirectory.logFiles(of: config) else {
                throw AuditFile.Failure.system(call: "opendir", path: config.directory, errno: errno)
            }
            guard let newest = files.last else {
                let path = config.directory + "/" + config.fileName(firstSeq: 1)
                let file = try AuditFile.open(path, mustBeNew: true)
                AuditDirectory.sync(config.directory)
                return Opened(file: file, chain: AuditChain(), repairedBytes: 0)
            }
            guard let content = FileBytes.read(newest) else { throw AuditFile.Failure.system(call: "read", path: newest, errno: errno) }
            let keep = (content.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
            let chain: AuditChain
            if keep > 0 {
                chain = try continuing(after: content[..<(keep - 1)], in: newest)
            } else if files.count > 1 {
                chain = try continuing(afterFile: files[files.count - 2])
            } else {
                chain = AuditChain()
            }
            var file = try AuditFile.open(newest, mustBeNew: false)
            if keep < content.count {
                file.truncate(to: keep)
                do {
                    try file.sync()
                } catch {
                    file.close()
                    throw error
                }
            }
            return Opened(file: file, chain: chain, repairedBytes: content.count - keep)
        } catch let error as AuditLogError {
            throw error
        } catch let failure as AuditFile.Failure {
            throw .unavailable(failure.description)
        } catch {
            throw .unavailable("\(error)")
        }
    }

    /// The chain after the last complete line of `path`, the file before a newest one that
    /// has no complete line yet (a crash right after rotation). Starting a new chain instead
    /// would fork it silently inside a file named for a later `seq`, so anything else fails.
    private static func continuing(afterFile path: String) throws -> AuditChain {
        guard let content = FileBytes.read(path) else { throw AuditFile.Failure.system(call: "read", path: path, errno: errno) }
        guard let end = content.lastIndex(of: UInt8(ascii: "\n")) else {
            throw AuditLogError.corruptTail(path: path, reason: "no complete line, but a later file exists")
        }
        return try continuing(after: content[..<end], in: path)
    }

    /// The chain after the last line of `content` (which ends before a newline).
    private static func continuing(after content: ArraySlice<UInt8>, in path: String) throws -> AuditChain {
        let start = content.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? content.startIndex
        do {
            return try AuditChain.after(line: Array(content[start...]))
        } catch {
            throw AuditLogError.corruptTail(path: path, reason: error.description)
        }
    }
}
