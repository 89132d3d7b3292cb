import GatewayCore

extension TestEnvironment {
    /// The field labels of the bundled config/gateway.json, by source name.
    static let bundledLabels: [String: [FieldLabel]] = {
        // The bundled config is checked by its own tests; a failure here names the problem.
        let config = try! GatewayConfig.load(path: repositoryRoot + "/config/gateway.json")
        return Dictionary(uniqueKeysWithValues: config.sources.map { ($0.name, $0.labels) })
    }()
}
