import Testing
@testable import GatewayCore

struct MetricsRegistryTests {
    /// A small registry renders exactly this text: families in declaration order, series sorted by label values.
    @Test func goldenText() {
        let registry = MetricsRegistry()
        let requests = registry.counter("demo_requests_total", help: "Requests by route.", labels: ["route", "status"])
        let temperature = registry.gauge("demo_temperature_celsius", help: "Current temperature.")
        let latency = registry.histogram("demo_latency_seconds", help: "Latency.", labels: ["source"], buckets: [0.25, 1])
        let idle = registry.counter("demo_idle_total", help: "Never incremented.", labels: ["kind"])
        let events = registry.counter("demo_events_total", help: "Events.")
        _ = idle
        requests.increment(labels: ["/b", "200"])
        requests.increment(by: 2, labels: ["/a", "500"])
        requests.increment(labels: ["/a", "200"])
        temperature.set(21.5)
        latency.observe(0.125, labels: ["land"])
        latency.observe(0.25, labels: ["land"])
        latency.observe(3, labels: ["land"])
        latency.observe(.milliseconds(500), labels: ["tax"])
        events.increment(by: 3)
        #expect(registry.render() == """
            # HELP demo_requests_total Requests by route.
            # TYPE demo_requests_total counter
            demo_requests_total{route="/a",status="200"} 1
            demo_requests_total{route="/a",status="500"} 2
            demo_requests_total{route="/b",status="200"} 1
            # HELP demo_temperature_celsius Current temperature.
            # TYPE demo_temperature_celsius gauge
            demo_temperature_celsius 21.5
            # HELP demo_latency_seconds Latency.
            # TYPE demo_latency_seconds histogram
            demo_latency_seconds_bucket{source="land",le="0.25"} 2
            demo_latency_seconds_bucket{source="land",le="1"} 2
            demo_latency_seconds_bucket{source="land",le="+Inf"} 3
            demo_latency_seconds_sum{source="land"} 3.375
            demo_latency_seconds_count{source="land"} 3
            demo_latency_seconds_bucket{source="tax",le="0.25"} 0
            demo_latency_seconds_bucket{source="tax",le="1"} 1
            demo_latency_seconds_bucket{source="tax",le="+Inf"} 1
            demo_latency_seconds_sum{source="tax"} 0.5
            demo_latency_seconds_count{source="tax"} 1
            # HELP demo_idle_total Never incremented.
            # TYPE demo_idle_total counter
            # HELP demo_events_total Events.
            # TYPE demo_events_total counter
            demo_events_total 3

            """)
    }

    /// Families without labels show their one series from the start; labelled ones show none until used.
    @Test func initialSeries() {
        let registry = MetricsRegistry()
        _ = registry.counter("a_total", help: "A.")
        _ = registry.gauge("b", help: "B.")
        _ = registry.histogram("c_seconds", help: "C.", buckets: [1])
        _ = registry.gauge("d", help: "D.", labels: ["x"])
        #expect(registry.render() == """
            # HELP a_total A.
            # TYPE a_total counter
            a_total 0
            # HELP b B.
            # TYPE b gauge
            b 0
            # HELP c_seconds C.
            # TYPE c_seconds histogram
            c_seconds_bucket{le="1"} 0
            c_seconds_bucket{le="+Inf"} 0
            c_seconds_sum 0
            c_seconds_count 0
            # HELP d D.
            # TYPE d gauge

            """)
    }

    /// Label values escape backslash, double quote and newline, and keep everything else as it is.
    @Test(arguments: [
        ("plain", "plain"),
        (#"C:\dir"#, #"C:\\dir"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        (#"\"\#n"#, #"\\\"\n"#),
        ("tab\there ü 東", "tab\there ü 東"),
        ("", ""),
    ])
    func labelValueEscaping(_ value: String, _ escaped: String) {
        let registry = MetricsRegistry()
        registry.gauge("g", help: "G.", labels: ["v"]).set(1, labels: [value])
        #expect(registry.render().contains("\ng{v=\"\(escaped)\"} 1\n"))
    }

    /// Help text escapes backslash and newline but not quotes.
    @Test func helpEscaping() {
        let registry = MetricsRegistry()
        _ = registry.gauge("g", help: "a \\ b\n\"c\"")
        #expect(registry.render().hasPrefix(#"# HELP g a \\ b\n"c""# + "\n# TYPE g gauge\n"))
    }

    /// Sample values: whole numbers without a fraction, others in shortest form, and the special values.
    @Test(arguments: [
        (3.0, "3"), (0, "0"), (-0.0, "0"), (-2, "-2"), (21.5, "21.5"), (0.005, "0.005"), (1e-05, "1e-05"),
        (123456789012, "123456789012"), (1e20, "1e+20"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"),
    ])
    func valueFormat(_ value: Double, _ text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    /// Metric and label names follow the exposition format's character rules; `__` label names are reserved.
    @Test(arguments: [
        ("exchange_gateway_requests_total", true, true), ("_x", true, true), ("a:b", true, false), ("A1", true, true),
        ("1a", false, false), ("", false, false), ("a-b", false, false), ("a b", false, false), ("__name", true, false),
        ("é", false, false),
    ])
    func nameRules(_ name: String, _ validMetric: Bool, _ validLabel: Bool) {
        #expect(PrometheusText.isValidMetricName(name) == validMetric)
        #expect(PrometheusText.isValidLabelName(name) == validLabel)
    }

    /// Buckets are cumulative: each counts the observations at or below its bound, `+Inf` counts them all.
    @Test(arguments: [
        ([0.5, 1, 1.5, 2, 99], [2, 3, 4, 5], 104.0),
        ([], [0, 0, 0, 0], 0),
        ([0, 0.1, 0.9], [3, 3, 3, 3], 1),
        ([10, 20], [0, 0, 0, 2], 30),
        ([1, 1, 1, 2, 2], [3, 3, 5, 5], 7),
    ] as [([Double], [Int], Double)])
    func histogramCumulativeCounts(_ observations: [Double], _ cumulative: [Int], _ sum: Double) {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("h", help: "H.", buckets: [1, 1.5, 2])
        for value in observations { histogram.observe(value) }
        let text = registry.render()
        for (bound, count) in zip(["1", "1.5", "2", "+Inf"], cumulative) {
            #expect(text.contains("\nh_bucket{le=\"\(bound)\"} \(count)\n"), "le=\(bound)")
        }
        #expect(text.contains("\nh_sum \(PrometheusText.format(sum))\n"))
        #expect(text.contains("\nh_count \(observations.count)\n"))
        #expect(histogram.totals().count == UInt64(observations.count))
    }

    /// Gauges are set, moved up and down, and removed from the output.
    @Test func gaugeOperations() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("g", help: "G.", labels: ["k"])
        gauge.set(5, labels: ["a"])
        gauge.increment(labels: ["a"])
        gauge.decrement(by: 2.5, labels: ["a"])
        gauge.increment(by: 2, labels: ["b"])
        #expect(gauge.value(labels: ["a"]) == 3.5)
        #expect(gauge.value(labels: ["b"]) == 2)
        gauge.remove(labels: ["b"])
        #expect(gauge.value(labels: ["b"]) == nil)
        #expect(registry.render().hasSuffix("# TYPE g gauge\ng{k=\"a\"} 3.5\n"))
    }

    /// Collect hooks run at every render, before the families are written.
    @Test func collectHooksRunAtRender() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("renders", help: "Renders so far.")
        registry.onCollect { gauge.increment() }
        #expect(registry.render().hasSuffix("renders 1\n"))
        #expect(registry.render().hasSuffix("renders 2\n"))
    }

    /// A keyed hook replaces the hook added before under its key (so re-watching does not pile hooks up), and a
    /// removed hook runs no more; unkeyed hooks are kept side by side.
    @Test func keyedHooksReplaceAndRemove() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("runs", help: "Hook runs so far.", labels: ["hook"])
        registry.onCollect(key: "a") { gauge.increment(labels: ["first a"]) }
        registry.onCollect(key: "a") { gauge.increment(labels: ["second a"]) }
        registry.onCollect(key: "b") { gauge.increment(labels: ["b"]) }
        registry.onCollect { gauge.increment(labels: ["unkeyed"]) }
        registry.onCollect { gauge.increment(labels: ["unkeyed"]) }
        _ = registry.render()
        #expect(gauge.value(labels: ["first a"]) == nil)
        #expect(gauge.value(labels: ["second a"]) == 1)
        #expect(gauge.value(labels: ["b"]) == 1)
        #expect(gauge.value(labels: ["unkeyed"]) == 2)
        registry.removeCollector(key: "a")
        registry.removeCollector(key: "missing")
        _ = registry.render()
        #expect(gauge.value(labels: ["second a"]) == 1)
        #expect(gauge.value(labels: ["b"]) == 2)
        #expect(gauge.value(labels: ["unkeyed"]) == 4)
    }

    /// Many tasks updating the same families at once lose no update.
    @Test func concurrentUpdates() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "C.", labels: ["task"])
        let total = registry.counter("t_total", help: "T.")
        let histogram = registry.histogram("h_seconds", help: "H.")
        let gauge = registry.gauge("g", help: "G.")
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    for index in 0..<1000 {
                        counter.increment(labels: [String(task % 5)])
                        total.increment()
                        histogram.observe(Double(index % 10) / 100)
                        gauge.increment()
                        gauge.decrement()
                        if index % 250 == 0 { _ = registry.render() }
                    }
                }
            }
        }
        #expect(total.value() == 50_000)
        #expect((0..<5).map { counter.value(labels: [String($0)]) } == Array(repeating: 10_000, count: 5))
        #expect(histogram.totals().count == 50_000)
        #expect(gauge.value() == 0)
        #expect(registry.render().contains("\nh_seconds_bucket{le=\"+Inf\"} 50000\n"))
    }

    /// A resolved handle and an update by labels reach the same series; a resolved series is shown
    /// once first updated, and a counter's stays valid for good.
    @Test func handlesShareSeriesWithLabelledUpdates() {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "C.", labels: ["k"])
        let histogram = registry.histogram("h_seconds", help: "H.", labels: ["k"], buckets: [1])
        let series = counter.series(labels: ["a"])
        let observed = histogram.series(labels: ["a"])
        _ = counter.series(labels: ["never"])
        _ = histogram.series(labels: ["never"])
        #expect(!registry.render().contains("{k="))
        series.increment()
        counter.increment(by: 2, labels: ["a"])
        series.increment(by: 0.5)
        observed.observe(0.5)
        histogram.observe(2, labels: ["a"])
        #expect(counter.value(labels: ["a"]) == 3.5)
        #expect(histogram.totals(labels: ["a"]) == (2, 2.5))
        let text = registry.render()
        #expect(text.contains("\nc_total{k=\"a\"} 3.5\n"))
        #expect(text.contains("\nh_seconds_bucket{k=\"a\",le=\"1\"} 1\nh_seconds_bucket{k=\"a\",le=\"+Inf\"} 2\n"))
        #expect(!text.contains("never"))
    }

    /// A status series counts every status it meets, also past the statuses it keeps slots for,
    /// in the same series as updates by labels.
    @Test func statusSeriesCountsEveryStatus() {
        let registry = MetricsRegistry()
        let counter = registry.counter("answers_total", help: "A.", labels: ["route", "status"])
        let route = counter.statusSeries(labels: ["dossier"])
        let statuses = Array(200...229)
        for (index, status) in statuses.enumerated() {
            for _ in 0...index { route.increment(status: status) }
        }
        counter.increment(labels: ["dossier", "200"])
        for (index, status) in statuses.enumerated() {
            #expect(counter.value(labels: ["dossier", String(status)]) == Double(index + 1 + (status == 200 ? 1 : 0)), "\(status)")
        }
        #expect(counter.value(labels: ["other", "200"]) == 0)
    }

    /// Handles updated from many tasks at once lose no update, statuses met for the first time
    /// by several tasks together included.
    @Test func concurrentHandleUpdates() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("c_total", help: "C.", labels: ["k"])
        let answers = registry.counter("a_total", help: "A.", labels: ["route", "status"])
        let histogram = registry.histogram("h_seconds", help: "H.", labels: ["k"], buckets: [0.05])
        let gauge = registry.gauge("g", help: "G.")
        let series = counter.series(labels: ["x"]), route = answers.statusSeries(labels: ["r"])
        let observed = histogram.series(labels: ["x"])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for index in 0..<2000 {
                        series.increment()
                        route.increment(status: 200 + index % 20)
                        observed.observe(Double(index % 10) / 100)
                        gauge.increment()
                        gauge.decrement()
                        if index % 500 == 0 { _ = registry.render() }
                    }
                }
            }
        }
        #expect(counter.value(labels: ["x"]) == 16_000)
        #expect((200..<220).map { answers.value(labels: ["r", String($0)]) } == Array(repeating: 800, count: 20))
        #expect(histogram.totals(labels: ["x"]).count == 16_000)
        #expect(registry.render().contains("\nh_seconds_bucket{k=\"x\",le=\"0.05\"} 9600\n"))
        #expect(gauge.value() == 0)
    }

    /// Removing a labelled gauge series drops it; setting it again shows it anew.
    @Test func removedGaugeSeriesComesBackWhenSet() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("g", help: "G.", labels: ["k"])
        gauge.set(2, labels: ["a"])
        gauge.remove(labels: ["a"])
        #expect(gauge.value(labels: ["a"]) == nil)
        #expect(!registry.render().contains("g{"))
        gauge.increment(labels: ["a"])
        #expect(registry.render().hasSuffix("# TYPE g gauge\ng{k=\"a\"} 1\n"))
    }

    /// Invalid names, reserved or duplicate labels, clashing families and wrong label counts are programming errors.
    @Test func preconditions() async {
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().counter("bad name", help: "") }
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().gauge("g", help: "", labels: ["bad-label"]) }
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().gauge("g", help: "", labels: ["a", "a"]) }
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().histogram("h", help: "", labels: ["le"]) }
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().histogram("h", help: "", buckets: [1, 0.5]) }
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry()
            _ = registry.gauge("x", help: "")
            _ = registry.counter("x", help: "")
        }
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry()
            _ = registry.histogram("x", help: "")
            _ = registry.gauge("x_count", help: "")
        }
        await #expect(processExitsWith: .failure) { MetricsRegistry().counter("c_total", help: "", labels: ["a"]).increment() }
        await #expect(processExitsWith: .failure) { MetricsRegistry().counter("c_total", help: "").increment(by: -1) }
        await #expect(processExitsWith: .failure) { _ = MetricsRegistry().counter("c_total", help: "", labels: ["a"]).statusSeries(labels: ["x"]) }
    }
}
