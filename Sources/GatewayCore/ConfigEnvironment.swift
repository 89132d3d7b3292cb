import Glibc

/// Where secrets named in a config come from: environment variables (only
/// `EXCHANGE_GATEWAY_*`, so a config cannot read unrelated variables) and files.
public struct ConfigEnvironment: Sendable {
    public static let variablePrefix = "EXCHANGE_GATEWAY_"

    let variable: @Sendable (String) -> String?
    /// A secret file's bytes: a regular file of at most `FileBytes.settingsFileLimit`.
    let file: @Sendable (String) throws(FileBytes.ReadFailure) -> [UInt8]

    public init(variable: @escaping @Sendable (String) -> String?,
                file: @escaping @Sendable (String) throws(FileBytes.ReadFailure) -> [UInt8] = { path throws(FileBytes.ReadFailure) in
                    try FileBytes.contents(of: path, regularFileOnly: true)
                }) {
        self.variable = variable
        self.file = file
    }

    /// The running process's environment and file system.
    public static let process = ConfigEnvironment(variable: { name in getenv(name).map { String(cString: $0) } })
}
