import Glibc

/// Where secrets named in a config come from: environment variables (only
/// `EXCHANGE_GATEWAY_*`, so a config cannot read unrelated variables) and files.
public struct ConfigEnvironment: Sendable {
    public static let variablePrefix = "EXCHANGE_GATEWAY_"

    let variable: @Sendable (String) -> String?
    let file: @Sendable (String) -> [UInt8]?

    public init(variable: @escaping @Sendable (String) -> String?, file: @escaping @Sendable (String) -> [UInt8]? = FileBytes.read) {
        self.variable = variable
        self.file = file
    }

    /// The running process's environment and file system.
    public static let process = ConfigEnvironment(variable: { name in getenv(name).map { String(cString: $0) } })
}
