import Glibc

/// The names in a folder, for the few places that look for files by name (fixtures, audit files).
public enum DirectoryListing {
    /// The names in `folder` that `include` accepts, sorted; `nil` with `errno` set if the
    /// folder cannot be read.
    public static func names(in folder: String, where include: (String) -> Bool) -> [String]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if include(name) { names.append(name) }
        }
        return names.sorted()
    }
}
