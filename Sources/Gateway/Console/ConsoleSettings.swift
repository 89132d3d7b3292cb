import GatewayCore
import GatewayJSON

/// What the console reads from the config at `GET /console/settings.json`: how long an idle
/// page stays signed in, each department's field labels, and what each consistency check is
/// called (so a check that could not run is named in words, not by its code). Served without a
/// key: it holds names of fields and checks, never data, and is read from the running config,
/// so a reload changes it.
enum ConsoleSettings {
    /// `{"idle_sign_out_s": 300, "sources": {"land": {"labels": {"/unit_number": {"zh": "…", "en": "…"}}}},
    /// "checks": {"owner_name_mismatch": {"message": "权利人姓名不一致 / …"}}}`, sources and checks in config order.
    static func json(of config: GatewayConfig) -> JSON {
        let sources = JSON.object()
        for source in config.sources {
            let labels = JSON.object()
            for label in source.labels {
                labels[label.pointer] = JSON.object(["zh": JSON(label.chinese), "en": JSON(label.english)])
            }
            sources[source.name] = JSON.object(["labels": labels])
        }
        let checks = JSON.object()
        for check in config.checks.checks {
            checks[check.code] = JSON.object(["message": JSON(check.message)])
        }
        return JSON.object(["idle_sign_out_s": JSON(config.console.idleSignOutSeconds), "sources": sources, "checks": checks])
    }
}
