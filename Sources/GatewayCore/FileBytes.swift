import Glibc

/// Whole-file reads and writes for cold paths (config, fixtures, keys), without Foundation.
public enum FileBytes {
    /// Why a file could not be created or written: the failing call, the path and `errno`.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let call: String
        public let path: String
        public let code: Int32

        public var description: String { "cannot \(call) \(path): \(String(cString: strerror(code)))" }
    }

    /// The file's bytes, or `nil` with `errno` set.
    public static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return readAll(descriptor, atMost: .max)
    }

    /// The bytes of a regular file of at most `limit` bytes, for files someone else may have put
    /// there: `nil` with `errno` `EINVAL` for anything but a regular file (a FIFO would block, a
    /// device never end), `EFBIG` for a larger one (a sparse file of terabytes costs its maker
    /// nothing), or the failing call's.
    public static func read(_ path: String, atMost limit: Int) -> [UInt8]? {
        // Non-blocking, so that opening a FIFO returns at once (and is then refused).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            errno = EINVAL
            return nil
        }
        guard status.st_size <= limit else {
            errno = EFBIG
            return nil
        }
        return readAll(descriptor, atMost: limit)
    }

    /// Everything `descriptor` reads until its end; `nil` with `errno` set when a read fails, or
    /// `EFBIG` past `limit` bytes (a file that grows while it is read).
    private static func readAll(_ descriptor: Int32, atMost limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            guard count <= limit - bytes.count else {
                errno = EFBIG
                return nil
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Creates `path` with `mode` and writes all of `contents`; an existing file is never
    /// overwritten. If writing fails the new file is removed, so a half-written key or config
    /// is never left behind.
    public static func createNew(_ path: String, contents: [UInt8], mode: mode_t) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(call: "create", path: path, code: errno) }
        var written = 0
        while written < contents.count {
            let count = contents.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(path)
                throw Failure(call: "write", path: path, code: code)
            }
            written += count
        }
        guard close(descriptor) == 0 || errno == EINTR else {
            let code = errno
            unlink(path)
            throw Failure(call: "write", path: path, code: code)
        }
    }
}
