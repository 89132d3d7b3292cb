/// The gateway's metric families, declared once (`exchange_gateway_*` and `process_*`).
///
/// Each family is a property for direct use; the methods below cover the common updates so that
/// label order is written in one place. Label values must come from small fixed sets: route
/// names (`dossier`, `dossier_batch`, ..., never raw paths), configured source names, client ids,
/// status names and codes. What every dossier updates is resolved once, when a config is loaded,
/// into handles (`requests(route:)`, `clientRequests(client:route:)`, `source(_:)`) whose updates
/// are atomic adds, with no lock or lookup.
public final class GatewayMetrics: Sendable {
    public let registry: MetricsRegistry

    /// `exchange_gateway_http_requests_total{route,status}`: responses by route name and HTTP status.
    public let httpRequests: Counter
    /// `exchange_gateway_dossier_duration_seconds`: time to answer a dossier request.
    public let dossierDuration: Histogram
    /// `exchange_gateway_source_duration_seconds{source}`: time of each source's part of a dossier.
    public let sourceDuration: Histogram
    /// `exchange_gateway_source_outcomes_total{source,status}`: source statuses (`ok`, `timeout`, ...).
    public let sourceOutcomes: Counter
    /// `exchange_gateway_source_unknown_fields_total{source}`: members of department answers that no
    /// view names (schema drift), one per occurrence.
    public let sourceUnknownFields: Counter
    /// `exchange_gateway_requests_in_flight`: requests being answered now.
    public let requestsInFlight: Gauge
    /// `exchange_gateway_circuit_breaker_state{source}`: 0 closed, 1 open, 2 half-open.
    public let circuitBreakerState: Gauge
    /// `exchange_gateway_bulkhead_in_flight{source}`: calls holding a bulkhead permit.
    public let bulkheadInFlight: Gauge
    /// `exchange_gateway_bulkhead_waiting{source}`: calls queued for a bulkhead permit.
    public let bulkheadWaiting: Gauge
    /// `exchange_gateway_rate_limited_total{client}`: requests refused with 429 by the client rate limit.
    public let rateLimited: Counter
    /// `exchange_gateway_client_requests_total{client,route,status}`: answers to authenticated
    /// callers of the dossier routes; client ids come from the config, so the series are bounded.
    public let clientRequests: Counter
    /// `exchange_gateway_overload_refusals_total`: dossier and batch requests answered 503 overloaded.
    public let overloadRefusals: Counter
    /// `exchange_gateway_audit_records_total`: records appended to the audit log.
    public let auditRecords: Counter
    /// `exchange_gateway_audit_fsync_duration_seconds`: time of each audit batch's fsync.
    public let auditFsyncDuration: Histogram
    /// `exchange_gateway_audit_writable`: 1 while the audit log accepts records, else 0.
    public let auditWritable: Gauge
    /// `exchange_gateway_audit_append_timeouts_total`: records not durable within `audit.append_timeout_ms`.
    public let auditAppendTimeouts: Counter
    /// `exchange_gateway_audit_checkpoints_total`: signed checkpoints written.
    public let auditCheckpoints: Counter
    /// `exchange_gateway_audit_witness_posts_total{outcome}`: checkpoints POSTed to `audit.witness_url` (`ok`, `failed`).
    public let auditWitnessPosts: Counter
    /// `exchange_gateway_audit_witness_up`: 1 while the last POST to `audit.witness_url` succeeded, else 0.
    public let auditWitnessUp: Gauge
    /// `process_resident_memory_bytes`.
    public let residentMemory: Gauge
    /// `process_open_fds`.
    public let openFileDescriptors: Gauge

    /// - Parameter processStats: read at every render for the `process_*` gauges; the default
    ///   reads nothing and leaves those samples out.
    public init(processStats: @escaping @Sendable () -> ProcessStats = { ProcessStats() }) {
        let registry = MetricsRegistry()
        self.registry = registry
        httpRequests = registry.counter("exchange_gateway_http_requests_total",
                                        help: "HTTP responses sent, by route name and status code.",
                                        labels: ["route", "status"])
        dossierDuration = registry.histogram("exchange_gateway_dossier_duration_seconds",
                                             help: "Time to answer a dossier request, in seconds.", buckets: Histogram.dossierSecondsBuckets)
        sourceDuration = registry.histogram("exchange_gateway_source_duration_seconds",
                                            help: "Time of one source's part of a dossier, in seconds.", labels: ["source"])
        sourceOutcomes = registry.counter("exchange_gateway_source_outcomes_total",
                                          help: "Source sections of dossiers, by source and status.", labels: ["source", "status"])
        sourceUnknownFields = registry.counter("exchange_gateway_source_unknown_fields_total",
                                               help: "Members of department answers that no view names (schema drift), per source.",
                                               labels: ["source"])
        requestsInFlight = registry.gauge("exchange_gateway_requests_in_flight", help: "Requests being answered.")
        circuitBreakerState = registry.gauge("exchange_gateway_circuit_breaker_state",
                                             help: "Circuit breaker state per source: 0 closed, 1 open, 2 half-open.",
                                             labels: ["source"])
        bulkheadInFlight = registry.gauge("exchange_gateway_bulkhead_in_flight",
                                          help: "Upstream calls holding a bulkhead permit, per source.", labels: ["source"])
        bulkheadWaiting = registry.gauge("exchange_gateway_bulkhead_waiting",
                                         help: "Upstream calls waiting for a bulkhead permit, per source.", labels: ["source"])
        rateLimited = registry.counter("exchange_gateway_rate_limited_total",
                                       help: "Requests refused by the client rate limit, per client.", labels: ["client"])
        clientRequests = registry.counter("exchange_gateway_client_requests_total",
                                          help: "Answers to authenticated callers of the dossier routes, by client id, route name and status code.",
                                          labels: ["client", "route", "status"])
        overloadRefusals = registry.counter("exchange_gateway_overload_refusals_total",
                                            help: "Dossier and batch requests refused with 503 overloaded: too many dossiers, or batches, in progress.")
        auditRecords = registry.counter("exchange_gateway_audit_records_total", help: "Records appended to the audit log.")
        auditFsyncDuration = registry.histogram("exchange_gateway_audit_fsync_duration_seconds",
                                                help: "Time of one audit batch's fsync, in seconds.",
                                                buckets: Histogram.fastSecondsBuckets)
        auditWritable = registry.gauge("exchange_gateway_audit_writable",
                                       help: "1 while the audit log accepts records, 0 when it cannot write.")
        auditAppendTimeouts = registry.counter("exchange_gateway_audit_append_timeouts_total",
                                               help: "Audit records not on disk within audit.append_timeout_ms (answered 503).")
        auditCheckpoints = registry.counter("exchange_gateway_audit_checkpoints_total", help: "Signed audit checkpoints written.")
        auditWitnessPosts = registry.counter("exchange_gateway_audit_witness_posts_total",
                                             help: "Audit checkpoints POSTed to audit.witness_url, by outcome (ok, failed).",
                                             labels: ["outcome"])
        auditWitnessUp = registry.gauge("exchange_gateway_audit_witness_up",
                                        help: "1 while the last POST to audit.witness_url succeeded, 0 after a failure.")
        residentMemory = registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.")
        openFileDescriptors = registry.gauge("process_open_fds", help: "Number of open file descriptors.")

        registry.onCollect { [residentMemory, openFileDescriptors] in
            let stats = processStats()
            if let bytes = stats.residentMemoryBytes { residentMemory.set(bytes) } else { residentMemory.remove() }
            if let count = stats.openFileDescriptors { openFileDescriptors.set(count) } else { openFileDescriptors.remove() }
        }
    }

    /// The exposition text for `GET /metrics`, served as `MetricsRegistry.contentType`.
    public func render() -> String {
        registry.render()
    }

    /// Counts one HTTP response, resolving its series (answers outside the request path).
    /// - Parameter route: the route's name, such as `dossier` or `dossier_batch`, never the raw path.
    public func recordRequest(route: String, status: Int) {
        httpRequests.increment(labels: [route, String(status)])
    }

    /// The HTTP responses of `route` (its name, never the raw path), by status.
    public func requests(route: String) -> StatusSeries {
        httpRequests.statusSeries(labels: [route])
    }

    /// The answers to `client` on `route` (`dossier`, `dossier_batch`), by status.
    public func clientRequests(client: String, route: String) -> StatusSeries {
        clientRequests.statusSeries(labels: [client, route])
    }

    /// The series of the sections of `source`.
    public func source(_ source: String) -> SourceMetrics {
        SourceMetrics(source: source, outcomes: sourceOutcomes, duration: sourceDuration, unknownFields: sourceUnknownFields)
    }

    /// Counts one request refused by the client rate limit.
    public func recordRateLimited(client: String) {
        rateLimited.increment(labels: [client])
    }

    /// Samples `breaker`'s state into `exchange_gateway_circuit_breaker_state{source}` at every render,
    /// instead of any breaker watched before for `source`.
    public func watch(_ breaker: CircuitBreaker, source: String) {
        circuitBreakerState.set(breaker.state.gaugeValue, labels: [source])
        registry.onCollect(key: Self.breakerKey(source)) { [circuitBreakerState] in
            circuitBreakerState.set(breaker.state(now: .now).gaugeValue, labels: [source])
        }
    }

    /// Samples `bulkhead`'s counts into `exchange_gateway_bulkhead_{in_flight,waiting}{source}` at every
    /// render, instead of any bulkhead watched before for `source`.
    public func watch(_ bulkhead: Bulkhead, source: String) {
        bulkheadInFlight.set(0, labels: [source])
        bulkheadWaiting.set(0, labels: [source])
        registry.onCollect(key: Self.bulkheadKey(source)) { [bulkheadInFlight, bulkheadWaiting] in
            bulkheadInFlight.set(Double(bulkhead.inFlight), labels: [source])
            bulkheadWaiting.set(Double(bulkhead.waiting), labels: [source])
        }
    }

    /// Stops sampling `source`'s breaker and bulkhead and drops their series, for a source removed
    /// from the config: a scrape must not keep reporting a department the gateway no longer calls.
    public func unwatch(source: String) {
        registry.removeCollector(key: Self.breakerKey(source))
        registry.removeCollector(key: Self.bulkheadKey(source))
        circuitBreakerState.remove(labels: [source])
        bulkheadInFlight.remove(labels: [source])
        bulkheadWaiting.remove(labels: [source])
    }

    private static func breakerKey(_ source: String) -> String { "circuit_breaker:" + source }
    private static func bulkheadKey(_ source: String) -> String { "bulkhead:" + source }
}
