import GatewayCore
import GatewayJSON

/// What the console reads from the config at `GET /console/settings.json`: how long an idle
/// page stays signed in, and each department's field labels. Served without a key: it holds
/// names of fields, never data, and is read from the running config, so a reload changes it.
enum ConsoleSettings {
    /// `{"idle_sign_out_s": 300, "sources": {"land": {"labels": {"/unit_number": {"zh": "…", "en": "…"}}}}}`,
    /// sources in config order.
    static func json(of config: GatewayConfig) -> JSON {
        let sources = JSON.object()
        for source in config.sources {
            let labels = JSON.object()
            for label in source.labels {
                labels[label.pointer] = JSON.object(["zh": JSON(label.chinese), "en": JSON(label.english)])
            }
            sources[source.name] = JSON.object(["labels": labels])
        }
        return JSON.object(["idle_sign_out_s": JSON(config.console.idleSignOutSeconds), "sources": sources])
    }
}
