import Glibc

/// The proxy settings libcurl would read from the environment for a URL scheme, read once per
/// source template instead of on every transfer (libcurl looks them up anew for each one unless
/// CURLOPT_PROXY and CURLOPT_NOPROXY are set). libcurl's rules: `<scheme>_proxy`, then its upper
/// case except for `HTTP_PROXY` (which a CGI environment lets a client set through a `Proxy:`
/// header), then `all_proxy` and `ALL_PROXY`; `no_proxy`, then `NO_PROXY`. An empty value is no proxy.
struct ProxyEnvironment {
    let proxy: String?
    let noProxy: String?

    init(scheme: String, environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } }) {
        let name = scheme.lowercased() + "_proxy"
        let forScheme = environment(name) ?? (name == "http_proxy" ? nil : environment(name.uppercased()))
        proxy = forScheme ?? environment("all_proxy") ?? environment("ALL_PROXY")
        noProxy = environment("no_proxy") ?? environment("NO_PROXY")
    }
}
