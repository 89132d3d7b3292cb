/// Settings of the clerks' console (`console`, README "The console for clerks").
public struct ConsoleConfig: Sendable, Equatable {
    /// After this many seconds without a key press, click or answer, the page signs out: it
    /// forgets the API key, the results and its list of recent lookups, so a desk left
    /// unattended does not stay signed in.
    public var idleSignOutSeconds: Int

    public init(idleSignOutSeconds: Int = 300) {
        self.idleSignOutSeconds = idleSignOutSeconds
    }
}

extension ConsoleConfig {
    static let knownKeys: Set<String> = ["idle_sign_out_s"]

    init(object: ConfigObject) throws(ConfigError) {
        idleSignOutSeconds = try object.integer("idle_sign_out_s", in: 1...86_400, default: 300)
    }
}
