/// The HTTP status of a dossier, from its sources' statuses (SPEC §2).
public enum DossierStatus {
    /// `200` if any source is `ok`; `404` if all are `not_found`; `504` if all timed out;
    /// `502` otherwise (including no sources at all). Sources the caller may not see do not
    /// count: they were never called.
    public static func httpStatus(for allStatuses: [SourceStatus]) -> Int {
        let statuses = allStatuses.filter { $0 != .notPermitted }
        if statuses.contains(.ok) { return 200 }
        if statuses.isEmpty { return 502 }
        if statuses.allSatisfy({ $0 == .notFound }) { return 404 }
        if statuses.allSatisfy({ $0 == .timeout }) { return 504 }
        return 502
    }
}
