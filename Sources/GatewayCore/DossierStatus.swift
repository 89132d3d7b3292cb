/// The HTTP status of a dossier, from its sources' statuses (SPEC §2) and their policies.
public enum DossierStatus {
    /// `200` if any source is `ok`; `404` if all are `not_found`; `504` if all timed out;
    /// `502` otherwise (including no sources at all). Sources the caller may not see do not
    /// count: they were never called.
    public static func httpStatus(for allStatuses: [SourceStatus]) -> Int {
        let statuses = allStatuses.filter { $0 != .notPermitted }
        if statuses.contains(.ok) { return 200 }
        if statuses.isEmpty { return 502 }
        return failureStatus(statuses)
    }

    /// The SPEC rule, unless a `required` source failed: then the status comes from the failed
    /// required sources alone (all `not_found` → 404, all `timeout` → 504, else 502), however
    /// many optional sources answered. A required source the role may not see was never
    /// called and does not fail the dossier.
    /// - Parameters:
    ///   - allStatuses: every section's status, required ones included.
    ///   - requiredStatuses: the statuses of the sections whose source is `required`.
    public static func httpStatus(for allStatuses: [SourceStatus], requiredStatuses: [SourceStatus]) -> Int {
        let failedRequired = requiredStatuses.filter { $0 != .ok && $0 != .notPermitted }
        guard failedRequired.isEmpty else { return failureStatus(failedRequired) }
        return httpStatus(for: allStatuses)
    }

    /// The status for a non-empty set of failures.
    private static func failureStatus(_ failures: [SourceStatus]) -> Int {
        if failures.allSatisfy({ $0 == .notFound }) { return 404 }
        if failures.allSatisfy({ $0 == .timeout }) { return 504 }
        return 502
    }
}
