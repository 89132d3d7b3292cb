/// Which sources a dossier request asks for: all by default, or the `sources=land,tax` subset.
public enum SourceSelection {
    /// The named sources in config order; `nil` means all of them.
    public static func sources(named list: String?, in config: GatewayConfig) throws(Problem) -> [SourceConfig] {
        guard let list else { return config.sources }
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw .invalidParameter("sources must be a comma-separated list of source names")
        }
        return try sources(names: names, in: config)
    }

    /// The sources called `names` (a batch body's `sources` array) in config order.
    public static func sources(names: [String], in config: GatewayConfig) throws(Problem) -> [SourceConfig] {
        guard !names.isEmpty else { throw .invalidParameter("sources must name at least one source") }
        if let unknown = names.first(where: { config.source(named: $0) == nil }) {
            let known = config.sources.map(\.name).joined(separator: ", ")
            throw .invalidParameter("unknown source '\(unknown.prefix(32))'; known sources: \(known)")
        }
        return config.sources.filter { names.contains($0.name) }
    }
}
