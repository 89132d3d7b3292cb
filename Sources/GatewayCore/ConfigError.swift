/// Why a configuration was rejected, naming the key path (`sources[1].timeout_ms`).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.isEmpty ? problem : "\(path): \(problem)"
    }
}
