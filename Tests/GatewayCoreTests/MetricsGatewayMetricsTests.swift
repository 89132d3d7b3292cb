import Foundation
import Testing
import GatewayCore

/// `promtool` from Debian's `prometheus` package, which `.ci/install-test-tools` installs.
private let promtool = "/usr/bin/promtool"

/// Gateway metrics after a little of everything, with fixed process figures.
private func busyMetrics() -> GatewayMetrics {
    let metrics = GatewayMetrics { ProcessStats(residentMemoryBytes: 52_428_800, openFileDescriptors: 17) }
    metrics.recordRequest(route: "dossier", status: 200)
    metrics.recordRequest(route: "dossier", status: 503)
    metrics.recordRequest(route: "healthz", status: 200)
    metrics.dossierDuration.observe(.milliseconds(120))
    metrics.source("land").record(.ok, duration: .milliseconds(40))
    metrics.source("tax").record(.timeout, duration: .milliseconds(1500))
    metrics.source("house").record(.circuitOpen, duration: nil)
    metrics.clientRequests(client: "desk-1", route: "dossier").increment(status: 200)
    metrics.source("land").recordUnknownFields(2)
    metrics.source("land").recordUnknownFields(5)
    metrics.requestsInFlight.increment()
    metrics.recordRateLimited(client: "desk \"front\"\\1\nb")
    metrics.auditRecords.increment(by: 3)
    metrics.auditFsyncDuration.observe(.microseconds(800))
    metrics.auditWritable.set(1)
    let breaker = CircuitBreaker(config: CircuitBreakerConfig(consecutiveFailures: 1))
    if case .allowed(let permit) = breaker.admit() { breaker.record(permit, status: .unavailable) }
    metrics.watch(breaker, source: "tax")
    let bulkhead = Bulkhead(maxInFlight: 4)
    _ = bulkhead.tryAcquire()
    metrics.watch(bulkhead, source: "tax")
    return metrics
}

struct MetricsGatewayMetricsTests {
    /// Every gateway family is declared with its type, even before any observation.
    @Test(arguments: [
        ("exchange_gateway_http_requests_total", "counter"),
        ("exchange_gateway_dossier_duration_seconds", "histogram"),
        ("exchange_gateway_source_duration_seconds", "histogram"),
        ("exchange_gateway_source_outcomes_total", "counter"),
        ("exchange_gateway_source_unknown_fields_total", "counter"),
        ("exchange_gateway_requests_in_flight", "gauge"),
        ("exchange_gateway_circuit_breaker_state", "gauge"),
        ("exchange_gateway_bulkhead_in_flight", "gauge"),
        ("exchange_gateway_bulkhead_waiting", "gauge"),
        ("exchange_gateway_rate_limited_total", "counter"),
        ("exchange_gateway_audit_records_total", "counter"),
        ("exchange_gateway_audit_fsync_duration_seconds", "histogram"),
        ("exchange_gateway_audit_writable", "gauge"),
        ("process_resident_memory_bytes", "gauge"),
        ("process_open_fds", "gauge"),
    ])
    func declaresFamily(_ name: String, _ type: String) {
        let text = GatewayMetrics().render()
        #expect(text.contains("# HELP \(name) "))
        #expect(text.contains("# TYPE \(name) \(type)\n"))
    }

    /// The record methods put label values in the declared order.
    @Test(arguments: [
        #"exchange_gateway_http_requests_total{route="dossier",status="503"} 1"#,
        #"exchange_gateway_source_outcomes_total{source="tax",status="timeout"} 1"#,
        #"exchange_gateway_source_outcomes_total{source="house",status="circuit_open"} 1"#,
        #"exchange_gateway_source_unknown_fields_total{source="land"} 7"#,
        #"exchange_gateway_source_duration_seconds_bucket{source="tax",le="2.5"} 1"#,
        #"exchange_gateway_source_duration_seconds_count{source="land"} 1"#,
        #"exchange_gateway_rate_limited_total{client="desk \"front\"\\1\nb"} 1"#,
        #"exchange_gateway_client_requests_total{client="desk-1",route="dossier",status="200"} 1"#,
        #"exchange_gateway_audit_fsync_duration_seconds_bucket{le="0.001"} 1"#,
        "exchange_gateway_audit_records_total 3",
        "exchange_gateway_requests_in_flight 1",
    ])
    func recordsSamples(_ line: String) {
        #expect(busyMetrics().render().contains("\n" + line + "\n"))
    }

    /// A source that was not called is counted without a duration.
    @Test func uncalledSourceHasNoDuration() {
        #expect(!busyMetrics().render().contains(#"exchange_gateway_source_duration_seconds_count{source="house"}"#))
    }

    /// Series resolved at config load show nothing until counted: a scrape of a fresh config
    /// reads as before handles existed.
    @Test func resolvedSeriesAreHiddenUntilCounted() {
        let fresh = GatewayMetrics()
        let resolved = GatewayMetrics()
        _ = resolved.source("land")
        _ = resolved.requests(route: "dossier")
        _ = resolved.clientRequests(client: "desk-1", route: "dossier")
        #expect(resolved.render() == fresh.render())
        resolved.source("land").record(.notFound, duration: .milliseconds(3))
        let text = resolved.render()
        #expect(text.contains("\nexchange_gateway_source_outcomes_total{source=\"land\",status=\"not_found\"} 1\n"))
        #expect(!text.contains(#"status="ok""#))
        #expect(text.contains("\nexchange_gateway_source_duration_seconds_count{source=\"land\"} 1\n"))
    }

    /// A reload resolves the series again: what was counted before stays, and the new handles
    /// count into the same series, so nothing is lost or shown twice.
    @Test func resolvingAgainCountsIntoTheSameSeries() {
        let metrics = GatewayMetrics()
        let before = (metrics.source("tax"), metrics.clientRequests(client: "desk-1", route: "dossier"), metrics.requests(route: "dossier"))
        before.0.record(.ok, duration: .milliseconds(10))
        before.1.increment(status: 200)
        before.2.increment(status: 200)
        let after = (metrics.source("tax"), metrics.clientRequests(client: "desk-1", route: "dossier"), metrics.requests(route: "dossier"))
        after.0.record(.ok, duration: .milliseconds(10))
        after.1.increment(status: 200)
        after.2.increment(status: 200)
        // A request that started before the reload finishes on the old handles.
        before.1.increment(status: 200)
        metrics.recordRequest(route: "dossier", status: 200)
        let text = metrics.render()
        for line in [#"exchange_gateway_source_outcomes_total{source="tax",status="ok"} 2"#,
                     #"exchange_gateway_source_duration_seconds_count{source="tax"} 2"#,
                     #"exchange_gateway_client_requests_total{client="desk-1",route="dossier",status="200"} 3"#,
                     #"exchange_gateway_http_requests_total{route="dossier",status="200"} 3"#] {
            #expect(text.contains("\n" + line + "\n"), "\(line)")
            #expect(text.components(separatedBy: line.prefix { $0 != "}" }).count == 2, "one series: \(line)")
        }
    }

    /// Watched breakers and bulkheads are sampled at every render.
    @Test func watchSamplesAtRender() {
        let metrics = GatewayMetrics()
        let breaker = CircuitBreaker(config: CircuitBreakerConfig(consecutiveFailures: 1, openDuration: .seconds(60)))
        let bulkhead = Bulkhead(maxInFlight: 2)
        metrics.watch(breaker, source: "land")
        metrics.watch(bulkhead, source: "land")
        #expect(metrics.render().contains("\nexchange_gateway_circuit_breaker_state{source=\"land\"} 0\n"))
        #expect(metrics.render().contains("\nexchange_gateway_bulkhead_in_flight{source=\"land\"} 0\n"))
        if case .allowed(let permit) = breaker.admit() { breaker.record(permit, success: false) }
        #expect(bulkhead.tryAcquire() && bulkhead.tryAcquire())
        let text = metrics.render()
        #expect(text.contains("\nexchange_gateway_circuit_breaker_state{source=\"land\"} 1\n"))
        #expect(text.contains("\nexchange_gateway_bulkhead_in_flight{source=\"land\"} 2\n"))
        #expect(text.contains("\nexchange_gateway_bulkhead_waiting{source=\"land\"} 0\n"))
    }

    /// Watching a source again (a reload that changed its breaker or bulkhead) replaces the old sampler, which is
    /// then released; unwatching a removed source drops its series and its samplers.
    @Test func rewatchReplacesAndUnwatchRemoves() {
        let metrics = GatewayMetrics()
        weak var oldBreaker: CircuitBreaker?
        weak var oldBulkhead: Bulkhead?
        do {
            let breaker = CircuitBreaker(config: CircuitBreakerConfig(consecutiveFailures: 1, openDuration: .seconds(60)))
            if case .allowed(let permit) = breaker.admit() { breaker.record(permit, success: false) }
            let bulkhead = Bulkhead(maxInFlight: 2)
            oldBreaker = breaker
            oldBulkhead = bulkhead
            metrics.watch(breaker, source: "land")
            metrics.watch(bulkhead, source: "land")
            metrics.watch(CircuitBreaker(), source: "house")
            metrics.watch(Bulkhead(maxInFlight: 1), source: "house")
        }
        #expect(metrics.render().contains("\nexchange_gateway_circuit_breaker_state{source=\"land\"} 1\n"))
        metrics.watch(CircuitBreaker(), source: "land")
        metrics.watch(Bulkhead(maxInFlight: 2), source: "land")
        #expect(oldBreaker == nil, "the replaced breaker's sampler is gone")
        #expect(oldBulkhead == nil, "the replaced bulkhead's sampler is gone")
        #expect(metrics.render().contains("\nexchange_gateway_circuit_breaker_state{source=\"land\"} 0\n"))

        metrics.unwatch(source: "house")
        let text = metrics.render()
        #expect(!text.contains(#"source="house""#))
        #expect(text.contains(#"exchange_gateway_bulkhead_in_flight{source="land"} 0"#))
    }

    /// Process figures appear when the closure reads them and are left out when it cannot.
    @Test(arguments: [
        (ProcessStats(residentMemoryBytes: 1_048_576, openFileDescriptors: 9), ["process_resident_memory_bytes 1048576", "process_open_fds 9"], []),
        (ProcessStats(), [], ["process_resident_memory_bytes ", "process_open_fds "]),
        (ProcessStats(openFileDescriptors: 3), ["process_open_fds 3"], ["process_resident_memory_bytes "]),
    ])
    func processStats(_ stats: ProcessStats, _ present: [String], _ absent: [String]) {
        let text = GatewayMetrics { stats }.render()
        for line in present { #expect(text.contains("\n" + line + "\n")) }
        for prefix in absent { #expect(!text.contains("\n" + prefix)) }
    }

    /// The resident size is read from the VmRSS line of /proc/self/status, in kB.
    @Test(arguments: [
        ("Name:\tgateway\nVmPeak:\t  99 kB\nVmRSS:\t   12345 kB\nThreads:\t4\n", 12_641_280.0 as Double?),
        ("VmRSS: 1 kB", 1024),
        ("Name:\tgateway\n", nil),
        ("VmRSS:\t  lots kB\n", nil),
        ("VmRSS:\t  12 MB\n", nil),
    ])
    func residentMemoryFromProcStatus(_ text: String, _ bytes: Double?) {
        #expect(ProcessStats.residentMemoryBytes(procStatus: text) == bytes)
    }

    /// The rendered gateway metrics pass `promtool check metrics` (format and naming lints).
    @Test func promtoolAccepts() throws {
        try #require(FileManager.default.isExecutableFile(atPath: promtool), "\(promtool) is missing: run bash .ci/install-test-tools")
        let text = busyMetrics().render()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool: \(report)\n---\n\(text)")
    }
}
