import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// What ships for operators: alert rules that promtool accepts and that fire when they should, a
/// Grafana dashboard, and deploy configs with the bundled checks and labels. The rules and the
/// dashboard may only read metrics a real gateway's `/metrics` has.
@Suite(.endsWhatItStarts) struct ObservabilityTests {
    static let alerts = "deploy/prometheus/alerts.yaml"
    static let alertTests = "deploy/prometheus/alerts.test.yaml"
    static let dashboard = "deploy/grafana/exchange-gateway.json"

    static func text(_ file: String) throws -> String {
        try String(contentsOfFile: TestEnvironment.repositoryRoot + "/" + file, encoding: .utf8)
    }

    /// `promtool check rules` accepts the rules, and `promtool test rules` makes each alert fire
    /// on series that should raise it (and stay quiet on a healthy instance).
    @Test func alertRulesCheckAndFire() async throws {
        let promtool = try ExternalTool.system("/usr/bin/promtool")
        let check = try await promtool.run(["check", "rules", Self.alerts])
        #expect(check.status == 0 && check.output.contains("SUCCESS: 6 rules found"), "\(check)")
        let test = try await promtool.run(["test", "rules", Self.alertTests])
        #expect(test.status == 0 && test.output.contains("SUCCESS"), "\(test)")
        let names = Set(try Self.text(Self.alerts).split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "- alert: ") else { return nil }
            return String(line[range.upperBound...])
        })
        #expect(names == ["ExchangeGatewayDepartmentFailing", "ExchangeGatewayCircuitBreakerOpen", "ExchangeGatewayAuditUnavailable",
                          "ExchangeGatewayOverloaded", "ExchangeGatewayErrorRatio", "ExchangeGatewayDossierP99OverDeadline"])
    }

    /// The metric names an expression text reads: `exchange_gateway_*` and `process_*`, with a
    /// histogram's `_bucket` / `_sum` / `_count` series named by their family.
    static func metricNames(in text: String, families: Set<String>) throws -> Set<String> {
        let pattern = try Regex(#"\b(?:exchange_gateway|process)_[a-z0-9_]+\b"#)
        return Set(text.matches(of: pattern).map { match in
            let name = String(text[match.range])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && families.contains(String(name.dropLast(suffix.count))) {
                return String(name.dropLast(suffix.count))
            }
            return name
        })
    }

    /// The metric families of a real gateway's `/metrics` after a few answers.
    static func servedFamilies() async throws -> Set<String> {
        let environment = try await TestEnvironment.start()
        _ = try await environment.get("/v1/properties/LA2023001/dossier")
        let text = try await environment.get("/metrics", headers: [:]).bodyText
        await environment.stop()
        return Set(text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# TYPE ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) : nil
        })
    }

    /// Every metric the alerts and the dashboard read is one the gateway serves.
    @Test func rulesAndDashboardReadServedMetrics() async throws {
        let families = try await Self.servedFamilies()
        #expect(families.contains("exchange_gateway_client_requests_total") && families.contains("exchange_gateway_dossier_duration_seconds"))
        let dashboard = try JSON.parse(Array(try Self.text(Self.dashboard).utf8))
        let expressions = dashboard["panels"]?.elements.flatMap { $0["targets"]?.elements.compactMap { $0["expr"]?.string } ?? [] } ?? []
        for (file, text) in [(Self.alerts, try Self.text(Self.alerts)), (Self.dashboard, expressions.joined(separator: "\n"))] {
            let read = try Self.metricNames(in: text, families: families)
            #expect(read.count >= 6, "\(file) reads \(read)")
            #expect(read.subtracting(families).isEmpty, "\(file) reads metrics the gateway does not serve: \(read.subtracting(families).sorted())")
        }
    }

    /// The dashboard is a Grafana dashboard: a title and uid, panels with unique ids inside the
    /// 24-column grid, each reading the chosen Prometheus data source with at least one query.
    @Test func dashboardIsWellFormed() throws {
        let dashboard = try JSON.parse(Array(try Self.text(Self.dashboard).utf8))
        #expect(dashboard["title"]?.string == "exchange-gateway" && dashboard["uid"]?.string == "exchange-gateway")
        #expect(dashboard["schemaVersion"]?.integer ?? 0 >= 36)
        let panels = dashboard["panels"]?.elements ?? []
        #expect(panels.count >= 10)
        #expect(Set(panels.compactMap { $0["id"]?.integer }).count == panels.count, "panel ids are unique")
        for panel in panels {
            let title = panel["title"]?.string ?? "?"
            #expect(panel["datasource"]?["uid"]?.string == "${datasource}", "\(title)")
            let targets = panel["targets"]?.elements ?? []
            #expect(!targets.isEmpty && targets.allSatisfy { !($0["expr"]?.string ?? "").isEmpty }, "\(title)")
            let x = panel["gridPos"]?["x"]?.integer ?? -1, width = panel["gridPos"]?["w"]?.integer ?? 0
            #expect(x >= 0 && width > 0 && x + width <= 24, "\(title)")
        }
        let variables = dashboard["templating"]?["list"]?.elements.compactMap { $0["name"]?.string }
        #expect(variables == ["datasource", "instance"])
    }

    /// Each graph says what its lines measure: every query of a time series has a unit (the
    /// panel's, or an override for its query), so a panel of two measures (memory in bytes and
    /// open files, records per second and fsync seconds) puts them on axes of their own instead of
    /// drawing the smaller as a flat line at zero.
    @Test func everyQueryHasAUnit() throws {
        let dashboard = try JSON.parse(Array(try Self.text(Self.dashboard).utf8))
        var units: [String: [String: String]] = [:]
        for panel in dashboard["panels"]?.elements ?? [] where panel["type"]?.string == "timeseries" {
            let title = panel["title"]?.string ?? "?"
            let fallback = panel["fieldConfig"]?["defaults"]?["unit"]?.string
            var byQuery: [String: String] = [:]
            for target in panel["targets"]?.elements ?? [] {
                let ref = target["refId"]?.string ?? "?"
                let override = panel["fieldConfig"]?["overrides"]?.elements.first { $0["matcher"]?["options"]?.string == ref }
                let unit = override?["properties"]?.elements.first { $0["id"]?.string == "unit" }?["value"]?.string ?? fallback
                #expect(unit != nil, "\(title): query \(ref) has no unit")
                byQuery[ref] = unit
            }
            units[title] = byQuery
        }
        #expect(units["Memory and open files"] == ["A": "bytes", "B": "short"])
        #expect(units["Audit records and fsync time (p99)"] == ["A": "wps", "B": "s"])
        #expect(units["Requests in flight and overload refusals"] == ["A": "short", "B": "reqps"])
    }

    /// Every dashboard query is PromQL Prometheus accepts: with Grafana's variables given values,
    /// each becomes a recording rule for `promtool check rules` (which checks the alerts too).
    @Test func dashboardQueriesParse() async throws {
        let promtool = try ExternalTool.system("/usr/bin/promtool")
        let dashboard = try JSON.parse(Array(try Self.text(Self.dashboard).utf8))
        var rules = ["groups:", "  - name: dashboard", "    rules:"]
        for panel in dashboard["panels"]?.elements ?? [] {
            for target in panel["targets"]?.elements ?? [] {
                let expression = (target["expr"]?.string ?? "").replacing("$instance", with: ".*").replacing("$__rate_interval", with: "5m")
                rules.append("      - record: dashboard:panel\(panel["id"]?.integer ?? 0):\(target["refId"]?.string ?? "?")")
                rules.append("        expr: \(JSON(expression).encodedString())")
            }
        }
        let file = TestEnvironment.temporaryDirectory() + "/dashboard-rules.yaml"
        try (rules.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await promtool.run(["check", "rules", file])
        #expect(check.status == 0 && check.output.contains("SUCCESS: 17 rules found"), "\(check)")
    }

    /// The container and Kubernetes configs ship the bundled config's checks and field labels, so
    /// a real deployment shows findings and labelled fields.
    @Test func deployConfigsShipChecksAndLabels() async throws {
        let bundled = try JSON.parse(Array(try Self.text("config/gateway.json").utf8))
        let configMap = try await DeployLintTests.resource("ConfigMap", in: DeployLintTests.kubernetesFolder + "/configmap.yaml")
        let deployed = [("deploy/docker/gateway.json", try JSON.parse(Array(try Self.text("deploy/docker/gateway.json").utf8))),
                        ("configmap.yaml", try JSON.parse(Array(try #require(configMap["data"]?["gateway.json"]?.string).utf8)))]
        #expect(bundled["checks"]?.count == 9)
        for (name, config) in deployed {
            #expect(config["checks"] == bundled["checks"], "\(name): checks")
            let labels = { (config: JSON) in config["sources"]?.elements.map { [$0["name"]?.string ?? "?": $0["labels"]?.encodedString() ?? ""] } }
            #expect(labels(config) == labels(bundled), "\(name): labels")
        }
    }
}
