import Glibc

/// Finds files that ship with the repository (`config/`, `stubs/fixtures/`) whether the tool
/// runs from the checkout or from `.build/<configuration>/`.
public enum BundledFile {
    /// `relativePath` under the working directory if it exists there, else under the nearest
    /// ancestor of the executable's directory that has it; `relativePath` itself when neither has.
    public static func locate(_ relativePath: String) -> String {
        if access(relativePath, F_OK) == 0 { return relativePath }
        var directory = executableDirectory()
        while directory.count > 1 {
            let candidate = directory + "/" + relativePath
            if access(candidate, F_OK) == 0 { return candidate }
            directory = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
        }
        return relativePath
    }

    private static func executableDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "" }
        let path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    }
}
