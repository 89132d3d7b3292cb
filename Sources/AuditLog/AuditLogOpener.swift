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
            let files = AuditDirectory.logFiles(of: config)
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
            } else if files.count > 1, let previous = FileBytes.read(files[files.count - 2]), let end = previous.lastIndex(of: UInt8(ascii: "\n")) {
                chain = try continuing(after: previous[..<end], in: files[files.count - 2])
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
