import GatewayCore

extension DossierService {
    /// `outcome` as `role` may see it: its data served through the role's view of `source`
    /// (README, Views), what was not served listed as withheld, and schema drift logged once
    /// per path, without any value, and counted per occurrence in `series`.
    func served(_ outcome: SourceOutcome, of source: String, to role: RoleConfig, counting series: SourceMetrics) -> SourceOutcome {
        guard let data = outcome.data else { return outcome }
        var outcome = outcome
        let result = role.view(for: source).apply(to: data)
        outcome.withheld = result.withheld
        if result.drift.occurrences > 0 {
            series.recordUnknownFields(result.drift.occurrences)
            for path in drift.firstSightings(of: result.drift, source: source) {
                EventLog.info("unknown field from department", ["source": source, "path": path])
            }
        }
        return outcome
    }
}
