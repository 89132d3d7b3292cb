import GatewayCore

extension DossierService {
    /// Logs the schema drift in `outcome` once per path, without any value, and counts it per
    /// occurrence in `series` (README, Views).
    func noteDrift(of outcome: SourceOutcome, source: String, counting series: SourceMetrics) {
        guard outcome.drift.occurrences > 0 else { return }
        series.recordUnknownFields(outcome.drift.occurrences)
        for path in drift.firstSightings(of: outcome.drift, source: source) {
            EventLog.info("unknown field from department", ["source": source, "path": path])
        }
    }
}
