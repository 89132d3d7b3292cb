import GatewayCore
import Glibc

/// Reads a file's complete lines from the end backward, a chunk at a time: opening a log, or
/// retrying after a full disk, costs the same memory whatever `max_file_bytes` is.
struct AuditBackwardReader {
    static let chunkBytes = 64 << 10

    private let file: AuditFile
    /// Bytes of the file from here to `bufferEnd` are in `buffer`; before here nothing was read.
    private var bufferStart: Int
    private var buffer: [UInt8] = []
    /// Where the lines not yet returned end (just after a newline, or 0).
    private var end: Int

    /// A reader of `file`'s lines that end at or before `end` (after a newline).
    init(_ file: AuditFile, end: Int) {
        self.file = file
        self.end = end
        bufferStart = end
    }

    /// Where the file's complete lines end: just after its last newline (0 if it has none).
    /// What follows is a line torn by a crash, and no line is longer than
    /// `AuditLineFields.maxLineBytes`, so a longer run without a newline is not a torn line.
    static func completeEnd(of file: AuditFile) throws(AuditLogError) -> Int {
        var reader = AuditBackwardReader(file, end: file.size)
        if let newline = try reader.lastNewline(before: file.size, within: AuditLineFields.maxLineBytes + 1) {
            return newline + 1
        }
        guard file.size <= AuditLineFields.maxLineBytes else {
            throw .corruptTail(path: file.path, reason: "its last \(AuditLineFields.maxLineBytes + 1) bytes hold no line break")
        }
        return 0
    }

    /// The line before the ones already returned, without its newline, and where it starts; `nil`
    /// at the start of the file.
    mutating func previousLine() throws(AuditLogError) -> (bytes: [UInt8], offset: Int)? {
        guard end > 0 else { return nil }
        let start = try lastNewline(before: end - 1, within: AuditLineFields.maxLineBytes + 1).map { $0 + 1 }
        guard let start else {
            guard end - 1 <= AuditLineFields.maxLineBytes else {
                throw .corruptTail(path: file.path, reason: "a line longer than \(AuditLineFields.maxLineBytes) bytes ends at byte \(end)")
            }
            return try take(from: 0)
        }
        return try take(from: start)
    }

    private mutating func take(from start: Int) throws(AuditLogError) -> (bytes: [UInt8], offset: Int) {
        try load(from: start)
        let line = Array(buffer[(start - bufferStart)..<(end - 1 - bufferStart)])
        end = start
        // Keep only what is before `end`: memory stays one chunk and one line.
        buffer.removeLast(buffer.count - (end - bufferStart))
        return (line, start)
    }

    /// Position of the last newline before `limit`, looking back at most `window` bytes.
    private mutating func lastNewline(before limit: Int, within window: Int) throws(AuditLogError) -> Int? {
        var position = limit
        let floor = max(0, limit - window)
        while position > floor {
            if position <= bufferStart { try load(from: max(floor, bufferStart - Self.chunkBytes)) }
            let index = position - 1
            if buffer[index - bufferStart] == UInt8(ascii: "\n") { return index }
            position = index
        }
        return nil
    }

    /// Extends the buffer back to `start`.
    private mutating func load(from start: Int) throws(AuditLogError) {
        guard start < bufferStart else { return }
        do throws(AuditFile.Failure) {
            let bytes = try file.read(at: start, count: bufferStart - start)
            guard bytes.count == bufferStart - start else {
                throw AuditFile.Failure.system(call: "read", path: file.path, errno: EIO)
            }
            buffer = bytes + buffer
            bufferStart = start
        } catch {
            throw .unavailable(error.description)
        }
    }
}
