import GatewayCore
import Glibc

/// One open audit file (a log file or the witness): appends, syncs, reads back, and can undo a
/// failed append by truncating back. Its calls go through `AuditSyscalls`; `EINTR` is retried.
struct AuditFile {
    let path: String
    let descriptor: Int32
    let syscalls: AuditSyscalls
    /// Bytes known to be in the file (and on disk, after `sync`).
    private(set) var size: Int

    enum Failure: Error, CustomStringConvertible {
        case system(call: String, path: String, errno: Int32)

        var description: String {
            switch self {
            case .system(let call, let path, let code): "\(call) \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    enum Mode {
        /// A new file, to append to: an existing one is an error, so no file is ever overwritten.
        case create
        /// An existing file or a new one, to append to and read.
        case append
        /// An existing file, to read.
        case read

        var flags: Int32 {
            switch self {
            case .create: O_RDWR | O_APPEND | O_CREAT | O_EXCL
            case .append: O_RDWR | O_APPEND | O_CREAT
            case .read: O_RDONLY
            }
        }
    }

    static func open(_ path: String, mode: Mode, syscalls: AuditSyscalls) throws(Failure) -> AuditFile {
        let descriptor = Glibc.open(path, mode.flags | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .system(call: "fstat", path: path, errno: code)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(descriptor)
            throw .system(call: "open", path: path, errno: EISDIR)
        }
        return AuditFile(path: path, descriptor: descriptor, syscalls: syscalls, size: Int(status.st_size))
    }

    /// Writes all of `bytes` at the end.
    mutating func append(_ bytes: [UInt8]) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { syscalls.write(path, descriptor, UnsafeRawBufferPointer(rebasing: $0[written...])) }
            if count == -Int(EINTR) { continue }
            guard count > 0 else { throw .system(call: "write", path: path, errno: count == 0 ? EIO : Int32(-count)) }
            written += count
        }
        size += bytes.count
    }

    func sync() throws(Failure) {
        let result = syscalls.fsync(path, descriptor)
        guard result == 0 else { throw .system(call: "fsync", path: path, errno: -result) }
    }

    /// Cuts the file back to `size` bytes (undoing a partly written batch, or a torn last line)
    /// and syncs that. When this fails the bytes after `size` are still there: the caller must
    /// not append after them.
    mutating func truncate(to size: Int) throws(Failure) {
        let result = syscalls.truncate(path, descriptor, size)
        guard result == 0 else { throw .system(call: "ftruncate", path: path, errno: -result) }
        self.size = size
        try sync()
    }

    /// Up to `count` bytes from `offset`, fewer at the end of the file.
    func read(at offset: Int, count: Int) throws(Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { syscalls.read(path, descriptor, UnsafeMutableRawBufferPointer(rebasing: $0[filled...]), offset + filled) }
            if got == -Int(EINTR) { continue }
            guard got >= 0 else { throw .system(call: "read", path: path, errno: Int32(-got)) }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes[..<filled])
    }

    func close() {
        Glibc.close(descriptor)
    }
}
