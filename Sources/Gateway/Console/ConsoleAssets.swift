/// The clerks' web console: one page, its script and its style sheet, compiled into the
/// binary (no file lookup at run time, nothing from a CDN). The script and styles are
/// separate routes so the page can run under a Content-Security-Policy without
/// `'unsafe-inline'`.
enum ConsoleAssets {
    static let pagePath = "/console"
    static let scriptPath = "/console/app.js"
    static let stylePath = "/console/app.css"
    /// Field labels and the idle sign-out time, from the config (`ConsoleSettings`).
    static let settingsPath = "/console/settings.json"

    /// Only the console's own script and styles run; it talks only to this gateway; it cannot
    /// be framed, submit forms elsewhere or change its base URL.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// One file of the console.
    struct Asset: Sendable {
        let contentType: String
        let body: [UInt8]
    }

    static let page = Asset(contentType: "text/html; charset=utf-8", body: Array(ConsolePage.html.utf8))
    static let script = Asset(contentType: "text/javascript; charset=utf-8", body: Array(ConsoleScript.javaScript.utf8))
    static let style = Asset(contentType: "text/css; charset=utf-8", body: Array(ConsoleStyle.css.utf8))
}
