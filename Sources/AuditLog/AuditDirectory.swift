import GatewayCore
import Glibc

/// Folder operations of the audit log and its witness.
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

    /// The log's files in `config.directory`, in chain order.
    static func logFiles(of config: AuditConfig) throws(AuditFile.Failure) -> [String] {
        guard let names = DirectoryListing.names(in: config.directory, where: config.isLogFile) else {
            throw .system(call: "opendir", path: config.directory, errno: errno)
        }
        return names.map { config.directory + "/" + $0 }
    }

    /// Makes the names in `path` durable (a file just created, a file cut back). A failure is an
    /// error: a log file whose name is not on disk could vanish with the records in it.
    static func sync(_ path: String, syscalls: AuditSyscalls) throws(AuditFile.Failure) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        let result = syscalls.fsync(path, descriptor)
        guard result == 0 else { throw .system(call: "fsync", path: path, errno: -result) }
    }
}
