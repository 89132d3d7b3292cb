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

    /// Why a file's bytes could not be read.
    public enum ReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A call failed with this `errno`.
        case system(Int32)
        /// A named pipe, device or socket where a file was wanted: opening a pipe would wait for a
        /// writer forever, and a device such as `/dev/zero` never ends.
        case notARegularFile
        /// More than the reader accepts (a sparse file of terabytes costs its maker nothing):
        /// whatever it is, it is not what was asked for.
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .system(let code): String(cString: strerror(code))
            case .notARegularFile: "is not a regular file"
            case .tooLarge(let limit): "is larger than \(limit) bytes"
            }
        }
    }

    /// The most a config, key, certificate or secret file may hold: far above any real one, far
    /// below what would exhaust memory, so a wrong path is one clear line, never a crash.
    public static let settingsFileLimit = 16 << 20

    /// The file's bytes, or `nil` with `errno` set; no limit, any kind of file.
    public static func read(_ path: String) -> [UInt8]? {
        do {
            return try contents(of: path, limit: .max)
        } catch {
            if case .system(let code) = error { errno = code }
            return nil
        }
    }

    /// The file's bytes, at most `limit` of them.
    /// - Parameter regularFileOnly: refuse anything but a regular file, for files someone else
    ///   may have put there and files that are never streamed (keys, certificates, audit files). A
    ///   config may come through a pipe (`config check <(jq ...)`); a key never does.
    /// The corresponding C functions are `open`, `fstat` and `read`.
    public static func contents(of path: String, limit: Int = settingsFileLimit, regularFileOnly: Bool = false) throws(ReadFailure) -> [UInt8] {
        // Non-blocking, so that opening a FIFO returns at once (and is then refused, or read blocking).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .system(errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(errno) }
        if status.st_mode & S_IFMT == S_IFREG {
            guard status.st_size <= limit else { throw .tooLarge(limit: limit) }
        } else {
            guard !regularFileOnly else { throw .notARegularFile }
            guard fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) == 0 else { throw .system(errno) }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            // Checked while reading too: a file that grows while it is read, a device that never ends.
            guard count <= limit - bytes.count else { throw .tooLarge(limit: limit) }
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
