/// One source's series, resolved when a config is loaded: counting a dossier's section of this
/// source is an atomic add to its outcome and one to its duration, without a lock or a lookup.
public struct SourceMetrics: Sendable {
    /// The source's name, as its series are labelled.
    public let source: String
    /// `exchange_gateway_source_outcomes_total{source,status}`, in `SourceStatus.allCases` order.
    private let outcomes: [Counter.Series]
    /// `exchange_gateway_source_duration_seconds{source}`.
    private let duration: Histogram.Series
    /// `exchange_gateway_source_unknown_fields_total{source}`.
    private let unknownFields: Counter.Series

    private static let statuses = SourceStatus.allCases

    init(source: String, outcomes: Counter, duration: Histogram, unknownFields: Counter) {
        self.source = source
        self.outcomes = Self.statuses.map { outcomes.series(labels: [source, $0.rawValue]) }
        self.duration = duration.series(labels: [source])
        self.unknownFields = unknownFields.series(labels: [source])
    }

    /// Counts one section with `status` and, when the source was called, its duration.
    public func record(_ status: SourceStatus, duration: Duration?) {
        outcomes[Self.statuses.firstIndex(of: status)!].increment()
        if let duration { self.duration.observe(duration) }
    }

    /// Counts the members of one answer that no view names (schema drift).
    public func recordUnknownFields(_ count: Int) {
        unknownFields.increment(by: Double(count))
    }
}
