import CCurl
import GatewayCore
import Synchronization

/// One source's transfer setup, made once: a libcurl easy handle holding every option that is the
/// same for all calls to the department (TLS, size cap, protocols, proxy, callbacks, the constant
/// header lines), from which each call's handle is duplicated, and the handles of finished calls,
/// kept for the next ones. A call then sets only what is its own: URL, timeouts, its header lines
/// (README "Architecture": no reset and no full set of options per call). A call may differ from
/// its template in more (a POST's body): its handle then serves no other call.
///
/// A runtime makes one per source and keeps it across config reloads while the settings it holds
/// stay the same (`reusing`), so a reload that changes a source's TLS files or size cap makes a
/// new template, and its calls get the new settings.
// @unchecked: `settings`, `template`, `constantHeaders` and `setupError` are set in `init` and never
// change; the template handle is read (duplicated) only under the pool's lock, which libcurl asks
// of a handle used from more than one thread. `deinit` runs when neither a runtime nor a call in
// flight holds the template, so no thread uses its handles any more.
public final class SourceTemplate: @unchecked Sendable {
    /// What the template's options are made from; calls whose requests have the same settings
    /// may share it.
    struct Settings: Equatable {
        /// The URL scheme, for the proxy variables.
        let scheme: String
        let maxResponseBytes: Int
        let tls: UpstreamTLSConfig?
        /// Whether the answers' header lines are read (for `Cache-Control`, when answers are cached).
        let readsHeaders: Bool

        init(source: SourceConfig) {
            self.init(url: source.baseURL, maxResponseBytes: source.maxResponseBytes, tls: source.tls, cacheTTLMs: source.cacheTTLMs)
        }

        init(request: UpstreamRequest) {
            self.init(url: request.url, maxResponseBytes: request.maxResponseBytes, tls: request.tls, cacheTTLMs: request.cacheTTLMs)
        }

        private init(url: String, maxResponseBytes: Int, tls: UpstreamTLSConfig?, cacheTTLMs: Int) {
            scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            self.maxResponseBytes = maxResponseBytes
            self.tls = tls
            readsHeaders = cacheTTLMs > 0
        }
    }

    /// Finished calls' handles kept for reuse; beyond this a burst's handles are freed, so memory
    /// falls back after thousands of transfers were in flight at once.
    static let idleHandleLimit = 512

    let settings: Settings
    private let template: UnsafeMutableRawPointer?
    /// The lines every request of the source sends, built once (`CurlEasy.constantHeaders`).
    let constantHeaders: UnsafeMutablePointer<curl_slist>?
    /// Why libcurl refused the template's options; every call with it fails with this.
    let setupError: String?
    /// Finished calls' handles; calls take them on their loop's thread (one, unless a template
    /// serves more than one client).
    private let idle = Mutex<[EasyHandle]>([])

    /// The template for calls to `source`.
    public convenience init(source: SourceConfig) {
        self.init(settings: Settings(source: source))
    }

    /// A template for calls with `request`'s settings (a one-off call that belongs to no source).
    public convenience init(request: UpstreamRequest) {
        self.init(settings: Settings(request: request))
    }

    init(settings: Settings) {
        CurlMulti.initializeLibcurl()
        self.settings = settings
        var headers: UnsafeMutablePointer<curl_slist>?
        for line in CurlEasy.constantHeaders {
            guard let list = curl_slist_append(headers, line) else {
                curl_slist_free_all(headers)
                headers = nil
                break
            }
            headers = list
        }
        constantHeaders = headers
        let template = curl_easy_init()
        do throws(CurlEasy.OptionError) {
            guard let template, headers != nil else { throw CurlEasy.OptionError(reason: "out of memory") }
            try CurlEasy.configureTemplate(template, for: settings)
            setupError = nil
        } catch {
            setupError = error.reason
        }
        self.template = template
    }

    /// `previous` if it was made for the same settings as `source` has now, else a new template.
    public static func reusing(_ previous: SourceTemplate?, for source: SourceConfig) -> SourceTemplate {
        if let previous, previous.settings == Settings(source: source) { return previous }
        return SourceTemplate(source: source)
    }

    deinit {
        idle.withLock { $0 = [] }  // the handles go first: they point at `constantHeaders`
        curl_easy_cleanup(template)
        curl_slist_free_all(constantHeaders)
    }

    /// A handle for a call: a finished call's, or a new one duplicated from the template.
    func takeHandle() throws(CurlEasy.OptionError) -> EasyHandle {
        if let setupError { throw CurlEasy.OptionError(reason: setupError) }
        let template = template
        var isNew = false
        let handle = idle.withLock { idle -> EasyHandle? in
            if let reused = idle.popLast() { return reused }
            isNew = true
            return curl_easy_duphandle(template).map(EasyHandle.init)
        }
        guard let handle else { throw CurlEasy.OptionError(reason: "libcurl could not make a transfer handle") }
        guard isNew else { return handle }
        try CurlEasy.attach(handle, readsHeaders: settings.readsHeaders)
        return handle
    }

    /// Keeps a finished call's handle for the next call, up to the limit, unless the call set
    /// options beyond the template's (a POST's body).
    func recycle(_ handle: EasyHandle, after request: UpstreamRequest) {
        guard CurlEasy.keepsTemplateOptions(after: request) else { return }
        idle.withLock { idle in
            if idle.count < Self.idleHandleLimit { idle.append(handle) }
        }
    }
}
