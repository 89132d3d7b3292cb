import Testing
import GatewayCore
import GatewayJSON

/// A valid three-source config; each invalid case changes one thing in a fresh copy.
private let validConfigText = """
{
  "listen": {"host": "127.0.0.1", "port": 8080},
  "deadline_ms": 3000,
  "max_body_bytes": 65536,
  "server": {"threads": 0, "connection_limit": 10000, "connection_timeout_s": 30},
  "sources": [
    {"name": "land", "base_url": "http://127.0.0.1:9101", "path": "/land/{property_id}",
     "timeout_ms": 1500, "connect_timeout_ms": 300, "max_in_flight": 256, "max_response_bytes": 1048576},
    {"name": "tax", "base_url": "http://127.0.0.1:9102", "path": "/property-tax/{property_id}",
     "timeout_ms": 1500, "connect_timeout_ms": 300, "max_in_flight": 256, "max_response_bytes": 1048576},
    {"name": "house", "base_url": "http://127.0.0.1:9103", "path": "/house/{property_id}",
     "timeout_ms": 1500, "connect_timeout_ms": 300, "max_in_flight": 256, "max_response_bytes": 1048576}
  ],
  "roles": {"clerk": {"sources": ["land", "tax", "house"],
            "views": {"land": {"/right_holder/name": "name"}, "tax": {"/taxpayer/name": "name"}, "house": {}}}},
  "clients": [{"id": "desk", "role": "clerk", "api_key_sha256": "115b02f6b0f33535218aa0aae0e64d0af5bf222c62b3d6fb9e96fd6a888e4b1b"}], "audit": {"path": "var/audit/audit.jsonl"},
  "checks": [{"code": "owner_name_mismatch", "severity": "critical", "message": "权利人姓名不一致 / owner name differs",
              "compare": "equal_normalized",
              "operands": [{"source": "land", "pointer": "/right_holder/name"}, {"source": "tax", "pointer": "/taxpayer/name"}]}]
}
"""

/// `{"source": source, "pointer": pointer}`
private func checkOperand(_ source: String, _ pointer: String) -> JSON {
    JSON.object(["source": JSON(source), "pointer": JSON(pointer)])
}

struct InvalidConfig: Sendable, CustomTestStringConvertible {
    let path: String
    let change: String
    let mutate: @Sendable (JSON) -> Void
    var testDescription: String { "\(path): \(change)" }

    init(_ path: String, _ change: String, _ mutate: @escaping @Sendable (JSON) -> Void) {
        self.path = path
        self.change = change
        self.mutate = mutate
    }

    /// Sets `key` of source `index`; `nil` removes it.
    static func source(_ index: Int, _ key: String, _ value: @autoclosure @escaping @Sendable () -> JSON?,
                       expect path: String? = nil, _ change: String) -> InvalidConfig {
        InvalidConfig(path ?? "sources[\(index)].\(key)", change) { root in
            root["sources"]!.elements[index][key] = value()
        }
    }

    static func root(_ key: String, _ value: @autoclosure @escaping @Sendable () -> JSON?,
                     expect path: String? = nil, _ change: String) -> InvalidConfig {
        InvalidConfig(path ?? key, change) { root in root[key] = value() }
    }

    /// Sets `key` of the sample's one check (`checks[0]`); `nil` removes it.
    static func check(_ key: String, _ value: @autoclosure @escaping @Sendable () -> JSON?, _ change: String) -> InvalidConfig {
        InvalidConfig("checks[0].\(key)", change) { root in root["checks"]!.elements[0][key] = value() }
    }

    static func nested(_ object: String, _ key: String, _ value: @autoclosure @escaping @Sendable () -> JSON?,
                       _ change: String) -> InvalidConfig {
        InvalidConfig("\(object).\(key)", change) { root in
            if root[object] == nil { root[object] = JSON.object() }
            root[object]![key] = value()
        }
    }

    /// Sets the label of `pointer` in the first source's `labels`; the error is expected at `sources[0].labels.<path>`.
    static func label(_ pointer: String, _ value: @autoclosure @escaping @Sendable () -> JSON, expect path: String,
                      _ change: String) -> InvalidConfig {
        InvalidConfig("sources[0].labels.\(path)", change) { root in root["sources"]!.elements[0]["labels"] = JSON.object([pointer: value()]) }
    }
}

struct ConfigValidationTests {
    /// The sample config itself is valid, so each table row tests exactly its own change.
    @Test func baselineIsValid() throws {
        let config = try GatewayConfig.parse(Array(validConfigText.utf8))
        #expect(config.sources.map(\.name) == ["land", "tax", "house"])
        #expect(config.sources.allSatisfy { $0.policy == .optional })
        #expect(config.checks.checks.map(\.code) == ["owner_name_mismatch"])
        #expect(config.checks.checks.first?.operands == [.source(name: "land", pointer: try JSONPointer("/right_holder/name")),
                                                          .source(name: "tax", pointer: try JSONPointer("/taxpayer/name"))])
    }

    /// `server.per_ip_connection_limit` is read as given, `0` (no limit) included; absent, it is 1000.
    @Test(arguments: [(Int?.none, 1000), (2, 2), (0, 0)])
    func readsPerIPConnectionLimit(_ value: Int?, _ expected: Int) throws {
        let root = try JSON.parse(validConfigText)
        root["server"]!["per_ip_connection_limit"] = value.map { JSON($0) }
        #expect(try GatewayConfig.parse(root.encoded()).server.perIPConnectionLimit == expected)
    }

    /// `server.header_timeout_s` is read as given; absent, it is 10.
    @Test(arguments: [(Int?.none, 10), (1, 1), (600, 600)])
    func readsHeaderTimeout(_ value: Int?, _ expected: Int) throws {
        let root = try JSON.parse(validConfigText)
        root["server"]!["header_timeout_s"] = value.map { JSON($0) }
        #expect(try GatewayConfig.parse(root.encoded()).server.headerTimeoutSeconds == expected)
    }

    /// `server.trusted_proxies` holds CIDR blocks and single addresses; absent, it is empty (no proxy is trusted).
    @Test func readsTrustedProxies() throws {
        let root = try JSON.parse(validConfigText)
        #expect(try GatewayConfig.parse(root.encoded()).server.trustedProxies.networks.isEmpty)
        root["server"]!["trusted_proxies"] = JSON.array([JSON("10.0.0.0/8"), JSON("192.0.2.10"), JSON("0.0.0.0/0")])
        let networks = try GatewayConfig.parse(root.encoded()).server.trustedProxies.networks
        #expect(networks.map(\.prefixLength) == [8, 32, 0])
        #expect(networks.map(\.base) == [0x0A00_0000, 0xC000_020A, 0])
    }

    /// `"policy": "required"` is read per source; the others stay optional.
    @Test func readsSourcePolicy() throws {
        let root = try JSON.parse(validConfigText)
        root["sources"]!.elements[0]["policy"] = JSON("required")
        root["sources"]!.elements[1]["policy"] = JSON("optional")
        let config = try GatewayConfig.parse(root.encoded())
        #expect(config.sources.map(\.policy) == [.required, .optional, .optional])
    }

    /// The bundled config/gateway.json parses into the three departments of SPEC §1.
    @Test func bundledConfigParses() throws {
        let config = try GatewayConfig.load(path: Repository.bundledConfig)
        #expect(config.listen == ListenConfig(host: "127.0.0.1", port: 8080))
        #expect(config.deadlineMs == 3000)
        #expect(config.maxBodyBytes == 65536)
        #expect(config.server == ServerConfig(threads: 0, connectionLimit: 10000, connectionTimeoutSeconds: 30))
        #expect(config.sources.map { source in
            var unlabelled = source
            unlabelled.labels = []
            return unlabelled
        } == [
            SourceConfig(name: "land", baseURL: "http://127.0.0.1:9101", path: "/land/{property_id}"),
            SourceConfig(name: "tax", baseURL: "http://127.0.0.1:9102", path: "/property-tax/{property_id}"),
            SourceConfig(name: "house", baseURL: "http://127.0.0.1:9103", path: "/house/{property_id}"),
        ])
        #expect(config.source(named: "tax")?.baseURL == "http://127.0.0.1:9102")
        #expect(config.source(named: "nope") == nil)
    }

    /// Absent optional keys take their documented defaults; connect timeout defaults to min(300, timeout).
    @Test func optionalKeysDefault() throws {
        let text = """
        {"sources": [
          {"name": "land", "base_url": "http://127.0.0.1:9101", "path": "/land/{property_id}", "timeout_ms": 1500},
          {"name": "fast", "base_url": "http://127.0.0.1:9104", "path": "/f/{property_id}", "timeout_ms": 100}
        ], "roles": {"clerk": {"sources": ["land"], "views": {"land": {}}}}, "clients": [{"id": "desk", "role": "clerk", "api_key_sha256": "115b02f6b0f33535218aa0aae0e64d0af5bf222c62b3d6fb9e96fd6a888e4b1b"}], "audit": {"path": "var/audit/audit.jsonl"}}
        """
        let config = try GatewayConfig.parse(Array(text.utf8))
        #expect(config.listen == ListenConfig(host: "127.0.0.1", port: 8080))
        #expect(config.deadlineMs == 3000)
        #expect(config.maxBodyBytes == 65536)
        #expect(config.server == ServerConfig())
        let land = try #require(config.source(named: "land"))
        #expect(land.connectTimeoutMs == 300)
        #expect(land.maxInFlight == 256)
        #expect(land.maxResponseBytes == 1_048_576)
        #expect(config.source(named: "fast")?.connectTimeoutMs == 100)
    }

    /// Base URLs lose trailing slashes; https, path prefixes, IPv6 literals and port 0 for listen are accepted.
    @Test func acceptsURLVariants() throws {
        let text = """
        {"listen": {"host": "0.0.0.0", "port": 0},
         "sources": [
          {"name": "land", "base_url": "http://127.0.0.1:9101/gw//", "path": "/land/{property_id}", "timeout_ms": 1500},
          {"name": "tax_2", "base_url": "https://tax.example.gov.cn", "path": "/t/{property_id}/summary", "timeout_ms": 1500},
          {"name": "house-v6", "base_url": "http://[::1]:9103", "path": "/h/{property_id}", "timeout_ms": 1500}
        ], "roles": {"clerk": {"sources": ["land"], "views": {"land": {}}}}, "clients": [{"id": "desk", "role": "clerk", "api_key_sha256": "115b02f6b0f33535218aa0aae0e64d0af5bf222c62b3d6fb9e96fd6a888e4b1b"}], "audit": {"path": "var/audit/audit.jsonl"}}
        """
        let config = try GatewayConfig.parse(Array(text.utf8))
        #expect(config.listen == ListenConfig(host: "0.0.0.0", port: 0))
        #expect(config.sources.map(\.baseURL) == ["http://127.0.0.1:9101/gw", "https://tax.example.gov.cn", "http://[::1]:9103"])
    }

    /// Paths may use every RFC 3986 path character and percent escapes; bracketed IPv6 literals of every form pass.
    @Test func acceptsURIPathCharactersAndIPv6Forms() throws {
        let root = try JSON.parse(validConfigText)
        root["sources"]!.elements[0]["path"] = JSON("/a-b.c_d~e/!$&'()*+,;=:@/%E5%9C%9F%2f/{property_id}/x")
        root["sources"]!.elements[1]["base_url"] = JSON("http://[2001:db8::7]:9102/prefix")
        root["sources"]!.elements[2]["base_url"] = JSON("https://[::ffff:192.0.2.1]")
        let config = try GatewayConfig.parse(root.encoded())
        #expect(config.sources[0].path == "/a-b.c_d~e/!$&'()*+,;=:@/%E5%9C%9F%2f/{property_id}/x")
        #expect(config.sources[1].baseURL == "http://[2001:db8::7]:9102/prefix")
        #expect(config.sources[2].baseURL == "https://[::ffff:192.0.2.1]")
    }

    /// EXCHANGE_GATEWAY_LOG_LEVEL wins over log_level; a bad value there is blamed on the variable, not the file.
    @Test func logLevelFromEnvironment() throws {
        let root = try JSON.parse(validConfigText)
        root["log_level"] = JSON("warning")
        func environment(_ level: String?) -> ConfigEnvironment {
            ConfigEnvironment(variable: { $0 == "EXCHANGE_GATEWAY_LOG_LEVEL" ? level : nil })
        }
        #expect(try GatewayConfig.parse(root.encoded(), environment: environment(nil)).logLevel == .warning)
        #expect(try GatewayConfig.parse(root.encoded(), environment: environment("debug")).logLevel == .debug)
        let fromVariable = try #require(throws: ConfigError.self) {
            try GatewayConfig.parse(root.encoded(), environment: environment("verbose"))
        }
        #expect(fromVariable.path == "EXCHANGE_GATEWAY_LOG_LEVEL")
        #expect(fromVariable.problem.contains("not verbose"))
        root["log_level"] = JSON("loud")
        let fromFile = try #require(throws: ConfigError.self) {
            try GatewayConfig.parse(root.encoded(), environment: environment(nil))
        }
        #expect(fromFile.path == "log_level")
        #expect(fromFile.problem.contains("not loud"))
    }

    /// Each invalid config is rejected with the key path that names the mistake.
    @Test(arguments: [
        InvalidConfig.source(1, "timeout_ms", JSON(0), "timeout zero"),
        InvalidConfig.source(0, "timeout_ms", JSON(-5), "timeout negative"),
        InvalidConfig.source(1, "timeout_ms", JSON("1500"), "timeout as string"),
        InvalidConfig.source(1, "timeout_ms", JSON(1500.5), "timeout as real"),
        InvalidConfig.source(1, "timeout_ms", nil, "timeout missing"),
        InvalidConfig.source(0, "connect_timeout_ms", JSON(0), "connect timeout zero"),
        InvalidConfig.source(0, "connect_timeout_ms", JSON(2000), "connect timeout above timeout"),
        InvalidConfig.source(2, "max_in_flight", JSON(0), "no in-flight calls"),
        InvalidConfig.source(0, "max_response_bytes", JSON(0), "zero response cap"),
        InvalidConfig.source(0, "path", JSON("/land"), "no placeholder"),
        InvalidConfig.source(0, "path", JSON("/land/{property_id}/{property_id}"), "placeholder twice"),
        InvalidConfig.source(0, "path", JSON("land/{property_id}"), "no leading slash"),
        InvalidConfig.source(0, "path", JSON("/land/{property_id}?full=1"), "query in path"),
        InvalidConfig.source(0, "path", JSON(7), "path not a string"),
        InvalidConfig.source(0, "path", JSON("/land records/{property_id}"), "space in path"),
        InvalidConfig.source(0, "path", JSON("/land/{property_id}\t"), "tab in path"),
        InvalidConfig.source(0, "path", JSON("/land/\u{7F}{property_id}"), "DEL in path"),
        InvalidConfig.source(0, "path", JSON("/土地/{property_id}"), "non-ASCII in path"),
        InvalidConfig.source(0, "path", JSON("/land/{property_id}/{x}"), "braces other than the placeholder"),
        InvalidConfig.source(0, "path", JSON("/land/%zz/{property_id}"), "bad percent escape"),
        InvalidConfig.source(0, "path", JSON("/land/{property_id}%2"), "truncated percent escape"),
        InvalidConfig.source(0, "path", JSON("/land\\{property_id}"), "backslash in path"),
        InvalidConfig.source(0, "base_url", JSON("http://[]"), "empty IPv6 brackets"),
        InvalidConfig.source(0, "base_url", JSON("http://[]:9101"), "empty IPv6 brackets with a port"),
        InvalidConfig.source(0, "base_url", JSON("http://[not-an-address]:9101"), "garbage in IPv6 brackets"),
        InvalidConfig.source(0, "base_url", JSON("http://[127.0.0.1]:9101"), "IPv4 in IPv6 brackets"),
        InvalidConfig.source(0, "base_url", JSON("http://[::1::2]:9101"), "two :: in an IPv6 address"),
        InvalidConfig.source(0, "base_url", JSON("http://user:pw@127.0.0.1:9101"), "credentials"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:9101?key=1"), "query"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:9101#top"), "fragment"),
        InvalidConfig.source(0, "base_url", JSON("ftp://127.0.0.1:9101"), "ftp scheme"),
        InvalidConfig.source(0, "base_url", JSON("127.0.0.1:9101"), "no scheme"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:99999"), "port too large"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:0"), "port zero"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:http"), "port not a number"),
        InvalidConfig.source(0, "base_url", JSON("http://127.0.0.1:"), "empty port"),
        InvalidConfig.source(0, "base_url", JSON("http://"), "no host"),
        InvalidConfig.source(0, "base_url", JSON("http://:9101"), "port without host"),
        InvalidConfig.source(0, "base_url", JSON("http://land dept:9101"), "space"),
        InvalidConfig.source(0, "base_url", nil, "base_url missing"),
        InvalidConfig.source(2, "name", JSON("land"), "duplicate name"),
        InvalidConfig.source(1, "name", JSON("Tax"), "uppercase name"),
        InvalidConfig.source(1, "name", JSON("1tax"), "name starts with a digit"),
        InvalidConfig.source(1, "name", JSON(""), "empty name"),
        InvalidConfig.source(1, "name", JSON(String(repeating: "t", count: 33)), "name too long"),
        InvalidConfig.source(1, "name", JSON.null(), "null name"),
        InvalidConfig.source(0, "extra", JSON(1), "unknown source key"),
        InvalidConfig.root("bogus", JSON(true), "unknown top-level key"),
        InvalidConfig("sorces", "misspelled required key is named, not reported missing") { root in
            root["sorces"] = root["sources"]
            root["sources"] = nil
        },
        InvalidConfig.root("deadline_ms", JSON(0), "deadline zero"),
        InvalidConfig.nested("server", "drain_timeout_s", JSON(2), "drain shorter than the 3 s deadline"),
        InvalidConfig.nested("server", "drain_timeout_s", JSON(0), "no drain"),
        InvalidConfig("server.drain_timeout_s", "deadline longer than the default drain") { $0["deadline_ms"] = JSON(10_001) },
        InvalidConfig.root("deadline_ms", JSON("3000"), "deadline as string"),
        InvalidConfig.root("max_body_bytes", JSON(0), "body cap zero"),
        InvalidConfig.root("listen", JSON("127.0.0.1:8080"), "listen not an object"),
        InvalidConfig.root("sources", JSON.array(), expect: "sources", "no sources"),
        InvalidConfig.root("sources", nil, expect: "sources", "sources missing"),
        InvalidConfig.root("sources", JSON.object(), expect: "sources", "sources not an array"),
        InvalidConfig("sources[1]", "source not an object") { $0["sources"]!.replaceElement(at: 1, with: JSON("tax")) },
        InvalidConfig.nested("listen", "host", JSON("localhost"), "host name instead of IPv4"),
        InvalidConfig.nested("listen", "host", JSON("::1"), "IPv6 listen host"),
        InvalidConfig.nested("listen", "host", JSON(""), "empty host"),
        InvalidConfig.nested("listen", "host", JSON(127), "host not a string"),
        InvalidConfig.nested("listen", "port", JSON(70000), "port out of range"),
        InvalidConfig.nested("listen", "port", JSON("8080"), "port as string"),
        InvalidConfig.nested("listen", "tls", JSON(false), "unknown listen key"),
        InvalidConfig.nested("server", "threads", JSON(-1), "negative threads"),
        InvalidConfig.nested("server", "connection_timeout_s", JSON(0), "zero idle timeout"),
        InvalidConfig.nested("server", "workers", JSON(4), "unknown server key"),
        InvalidConfig.label("name", JSON.object(["zh": JSON("姓名"), "en": JSON("Name")]), expect: "name", "label pointer without '/'"),
        InvalidConfig.label("/a~2b", JSON.object(["zh": JSON("姓名"), "en": JSON("Name")]), expect: "/a~2b", "label pointer with a bad escape"),
        InvalidConfig.label("/name", JSON.object(["en": JSON("Name")]), expect: "/name.zh", "label without Chinese"),
        InvalidConfig.label("/name", JSON.object(["zh": JSON("姓名"), "en": JSON(" ")]), expect: "/name.en", "blank English label"),
        InvalidConfig.label("/name", JSON.object(["zh": JSON("姓\n名"), "en": JSON("Name")]), expect: "/name.zh", "control character in a label"),
        InvalidConfig.label("/name", JSON.object(["zh": JSON(String(repeating: "名", count: 101)), "en": JSON("Name")]), expect: "/name.zh", "label over 100 characters"),
        InvalidConfig.label("/name", JSON.object(["zh": JSON("姓名"), "en": JSON("Name"), "fr": JSON("Nom")]), expect: "/name.fr", "label in an unknown language"),
        InvalidConfig.label("/name", JSON("姓名"), expect: "/name", "label not an object"),
        InvalidConfig.nested("console", "idle_sign_out_s", JSON(0), "console never idle"),
        InvalidConfig.nested("console", "lock", JSON(true), "unknown console key"),
        InvalidConfig.nested("server", "per_ip_connection_limit", JSON(-1), "negative per-IP connection limit"),
        InvalidConfig.nested("server", "per_ip_connection_limit", JSON(2_000_000), "per-IP connection limit out of range"),
        InvalidConfig.nested("server", "per_ip_connection_limit", JSON("1000"), "per-IP connection limit as string"),
        InvalidConfig("limits.max_batch_response_bytes", "batch answer limit under 4 KiB") {
            $0["limits"] = JSON.object(["max_batch_response_bytes": JSON(4095)])
        },
        InvalidConfig("limits.max_batch_response_bytes", "batch answer limit over 1 GiB") {
            $0["limits"] = JSON.object(["max_batch_response_bytes": JSON((1 << 30) + 1)])
        },
        InvalidConfig.nested("server", "header_timeout_s", JSON(0), "zero header timeout"),
        InvalidConfig.nested("server", "header_timeout_s", JSON(601), "header timeout over 10 minutes"),
        InvalidConfig.nested("server", "trusted_proxies", JSON("10.0.0.0/8"), "trusted proxies not an array"),
        InvalidConfig("server.trusted_proxies[1]", "host bits past the prefix") { $0["server"]!["trusted_proxies"] = JSON.array([JSON("10.0.0.0/8"), JSON("10.0.0.1/8")]) },
        InvalidConfig("server.trusted_proxies[0]", "prefix over 32") { $0["server"]!["trusted_proxies"] = JSON.array([JSON("10.0.0.0/33")]) },
        InvalidConfig("server.trusted_proxies[0]", "IPv6 proxy") { $0["server"]!["trusted_proxies"] = JSON.array([JSON("::1")]) },
        InvalidConfig("server.trusted_proxies[0]", "host name proxy") { $0["server"]!["trusted_proxies"] = JSON.array([JSON("proxy.local")]) },
        InvalidConfig("server.trusted_proxies[0]", "proxy not a string") { $0["server"]!["trusted_proxies"] = JSON.array([JSON(10)]) },
        InvalidConfig.nested("audit", "max_file_bytes", JSON(2 << 30), "max_file_bytes above 1 GiB"),
        InvalidConfig.nested("audit", "witness_file", JSON("var/audit/audit.jsonl"), "witness file is the log"),
        InvalidConfig.nested("audit", "witness_file", JSON("var/audit/audit-999999999999.jsonl"), "witness file named as a log file in its folder"),
        InvalidConfig.nested("audit", "witness_file", JSON("var/audit/witness.jsonl"), "witness file in the log's folder"),
        InvalidConfig.nested("audit", "witness_file", JSON("/mnt/witness/"), "witness file names a folder"),
        InvalidConfig.nested("audit", "witness_url", JSON("ftp://witness.example/checkpoints"), "witness URL not http(s)"),
        InvalidConfig.nested("audit", "witness_url", JSON("https://witness.example/a b"), "witness URL with a space"),
        InvalidConfig.nested("audit", "witness_timeout_ms", JSON(0), "zero witness timeout"),
        InvalidConfig.nested("audit", "append_timeout_ms", JSON(50), "append timeout below 100 ms"),
        InvalidConfig.nested("audit", "append_timeout_ms", JSON("2000"), "append timeout as string"),
        InvalidConfig.source(1, "policy", JSON("mandatory"), "unknown source policy"),
        InvalidConfig.source(1, "policy", JSON(true), "source policy not a string"),
        InvalidConfig.check("code", JSON("Owner Name"), "check code with capitals and a space"),
        InvalidConfig.check("code", nil, "check code missing"),
        InvalidConfig.check("severity", JSON("fatal"), "unknown severity"),
        InvalidConfig.check("message", JSON(""), "empty message"),
        InvalidConfig.check("compare", JSON("similar"), "unknown comparison"),
        InvalidConfig.check("min", JSON(0.5), "min on an equal check"),
        InvalidConfig.check("extra", JSON(1), "unknown check key"),
        InvalidConfig.check("operands", JSON.array([checkOperand("land", "/right_holder/name")]), "one operand for equal"),
        InvalidConfig("checks[0].operands[1].source", "operand names an unknown source") { root in
            root["checks"]!.elements[0]["operands"]!.elements[1]["source"] = JSON("court")
        },
        InvalidConfig("checks[0].operands[0].pointer", "pointer without a leading slash") { root in
            root["checks"]!.elements[0]["operands"]!.elements[0]["pointer"] = JSON("right_holder/name")
        },
        InvalidConfig("checks[0].operands[0].pointer", "pointer with a bad escape") { root in
            root["checks"]!.elements[0]["operands"]!.elements[0]["pointer"] = JSON("/right~2holder")
        },
        InvalidConfig("checks[0].operands[0].request", "request operand other than property_id") { root in
            root["checks"]!.elements[0]["operands"]!.replaceElement(at: 0, with: JSON.object(["request": JSON("purpose")]))
        },
        InvalidConfig("checks[1].code", "duplicate check code") { root in
            root["checks"]!.append(root["checks"]!.elements[0].deepCopy())
        },
        InvalidConfig("checks[1].max", "ratio max below min") { root in
            root["checks"]!.append(JSON.object(["code": JSON("area"), "severity": JSON("warning"), "message": JSON("面积 / area"),
                                                "compare": JSON("ratio_within"), "min": JSON(2.0), "max": JSON(1.0),
                                                "operands": JSON.array([checkOperand("land", "/area_m2"), checkOperand("house", "/building_area_m2")])]))
        },
        InvalidConfig("checks[1].values", "one_of without values") { root in
            root["checks"]!.append(JSON.object(["code": JSON("seized"), "severity": JSON("critical"), "message": JSON("查封 / seized"),
                                                "compare": JSON("one_of"), "values": JSON.array(),
                                                "operands": JSON.array([checkOperand("house", "/seizure/status")])]))
        },
    ])
    func rejectsWithKeyPath(_ row: InvalidConfig) throws {
        let root = try JSON.parse(validConfigText)
        row.mutate(root)
        let text = root.encoded()
        let error = try #require(throws: ConfigError.self) { try GatewayConfig.parse(text) }
        #expect(error.path == row.path)
        #expect(!error.problem.isEmpty)
        #expect(error.description == "\(row.path): \(error.problem)")
    }

    /// Text that is not a JSON object is rejected with the empty path and a line/column.
    @Test(arguments: ["", "not json", "{\"sources\": [", "[]", "{\"a\": 1, \"a\": 2}"])
    func rejectsNonObjectText(_ text: String) throws {
        let error = try #require(throws: ConfigError.self) { try GatewayConfig.parse(Array(text.utf8)) }
        #expect(error.path == "")
        #expect(!error.problem.isEmpty)
    }

    /// A malformed file's error says where it broke.
    @Test func parseErrorNamesLine() throws {
        let error = try #require(throws: ConfigError.self) {
            try GatewayConfig.parse(Array("{\n  \"deadline_ms\": 3000,\n  oops\n}".utf8))
        }
        #expect(error.path == "")
        #expect(error.problem.contains("line 3"))
    }

    /// A missing file is reported with the empty path and the file name.
    @Test func missingFileIsReported() throws {
        let error = try #require(throws: ConfigError.self) {
            try GatewayConfig.load(path: "/nonexistent/gateway-config.json")
        }
        #expect(error.path == "")
        #expect(error.problem.contains("/nonexistent/gateway-config.json"))
    }
}
