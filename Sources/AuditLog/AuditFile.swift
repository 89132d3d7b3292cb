import GatewayCore
import Glibc

/// One open audit file: appends, syncs, and can undo a failed append by truncating back.
/// The C calls on it are wrapped here, once; `EINTR` is retried.
struct AuditFile {
    let path: String
    let descriptor: Int32
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

    /// Opens `path` for appending. With `mustBeNew` an existing file is an error, so no file
    /// is ever overwritten.
    static func open(_ path: String, mustBeNew: Bool) throws(Failure) -> AuditFile {
        let flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_CREAT | (mustBeNew ? O_EXCL : 0)
        let descriptor = Glibc.open(path, flags, 0o640)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .system(call: "fstat", path: path, errno: code)
        }
        return AuditFile(path: path, descriptor: descriptor, size: Int(status.st_size))
    }

    /// Writes all of `bytes` at the end.
    mutating func append(_ bytes: [UInt8]) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(call: "write", path: path, errno: errno)
            }
            written += count
        }
        size += bytes.count
    }

    func sync() throws(Failure) {
        guard fsync(descriptor) == 0 else { throw .system(call: "fsync", path: path, errno: errno) }
    }

    /// Cuts the file back to `size` bytes, undoing a partly written batch.
    mutating func truncate(to size: Int) {
        if ftruncate(descriptor, off_t(size)) == 0 { self.size = size }
    }

    func close() {
        Glibc.close(descriptor)
    }
}

/// Folder operations of the audit log.
enum AuditDirectory {
    /// Creates `path` and its parents, like `mkdir -p`.
    static func create(_ path: String) throws(AuditFile.Failure) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o750) != 0, errno != EEXIST {
                throw .system(call: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    /// The log's files in `config.directory`, in chain order; `nil` with `errno` set if the
    /// folder cannot be read.
    static func logFiles(of config: AuditConfig) -> [String]? {
        DirectoryListing.names(in: config.directory, where: config.isLogFile)?.map { config.directory + "/" + $0 }
    }

    /// Makes a newly created file's name durable.
    static func sync(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
