// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "exchange-gateway",
    products: [
        .executable(name: "exchange-gateway", targets: ["exchange-gateway"]),
        .executable(name: "department-stubs", targets: ["department-stubs"]),
    ],
    targets: [
        // C libraries from Debian's -dev packages, one module map each.
        .systemLibrary(name: "CCurl", path: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", path: "CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CJansson", path: "CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // epoll and eventfd from glibc's headers, which Swift's Glibc module does not bring in.
        .systemLibrary(name: "CLinux", path: "CLinux"),

        // JSON: department bodies and dossiers in one pass (JSONScanner, JSONOutput); the rest over jansson.
        .target(name: "GatewayJSON", dependencies: ["CJansson"]),
        // Digests, HMAC, signatures and randomness: one small Swift surface over libcrypto.
        .target(name: "GatewayCrypto", dependencies: ["COpenSSL"]),
        // Pure logic: no sockets, no server, no HTTP client.
        .target(name: "GatewayCore", dependencies: ["GatewayJSON", "GatewayCrypto"]),
        // The durable, hash-chained audit log: files, fsync and its writer thread.
        .target(name: "AuditLog", dependencies: ["CLinux", "GatewayCore", "GatewayCrypto", "GatewayJSON"]),
        // One event loop per core: an epoll set, its sources and the tasks that prefer it as their executor.
        .target(name: "EventLoop", dependencies: ["CLinux"]),
        // Thin adapters over the C network libraries, each driven by the event loops.
        .target(name: "UpstreamClient", dependencies: ["CCurl", "CLinux", "GatewayCore", "EventLoop"]),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "EventLoop"]),
        // The gateway itself and the fake departments, as libraries so tests run them in-process.
        // The OpenAPI document is compiled into the binary, so serving it needs no file at run time.
        .target(name: "Gateway", dependencies: ["GatewayCore", "GatewayCrypto", "GatewayJSON", "EventLoop", "UpstreamClient", "HTTPServer",
                                               "AuditLog"],
                resources: [.embedInCode("Resources/openapi.yaml")]),
        .target(name: "DepartmentStubs", dependencies: ["HTTPServer", "GatewayJSON", "GatewayCore"]),

        // Argument parsing, signals and bundled-file lookup shared by both executables.
        .target(name: "CLISupport"),
        .executableTarget(name: "exchange-gateway",
                          dependencies: ["Gateway", "DepartmentStubs", "CLISupport", "GatewayCore", "GatewayCrypto", "GatewayJSON",
                                         "UpstreamClient", "AuditLog", "HTTPServer"]),
        .executableTarget(name: "department-stubs", dependencies: ["DepartmentStubs", "CLISupport"]),
        // What one pass over department bodies costs against jansson's parse and encode (bench/json-cost.sh).
        .executableTarget(name: "json-cost", dependencies: ["GatewayJSON"], path: "bench/json-cost"),

        // What the JSON tests of two test targets share: the generated corpus, the fixtures, tree comparison.
        .target(name: "JSONTestSupport", dependencies: ["GatewayJSON"], path: "Tests/JSONTestSupport"),
        .testTarget(name: "GatewayJSONTests", dependencies: ["GatewayJSON", "JSONTestSupport"]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore", "GatewayJSON", "GatewayCrypto", "JSONTestSupport"]),
        .testTarget(name: "AuditLogTests", dependencies: ["AuditLog", "GatewayCore", "GatewayJSON", "GatewayCrypto"]),
        .testTarget(name: "IntegrationTests",
                    dependencies: ["Gateway", "DepartmentStubs", "GatewayCore", "GatewayCrypto", "GatewayJSON", "EventLoop",
                                   "HTTPServer", "UpstreamClient", "AuditLog"]),
    ]
)
