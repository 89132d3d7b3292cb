import Testing
import GatewayCore

struct DossierStatusTests {
    /// The dossier's HTTP status follows SPEC §2 from its sources' statuses.
    @Test(arguments: [
        ([SourceStatus.ok, .ok, .ok], 200),
        ([.ok, .timeout, .ok], 200),
        ([.timeout, .unavailable, .ok], 200),
        ([.ok], 200),
        ([.notFound, .notFound, .notFound], 404),
        ([.notFound], 404),
        ([.timeout, .timeout, .timeout], 504),
        ([.timeout], 504),
        ([.timeout, .notFound], 502),
        ([.unavailable, .unavailable, .unavailable], 502),
        ([.upstreamError, .invalidResponse], 502),
        ([.circuitOpen], 502),
        ([.notPermitted, .notPermitted], 502),
        ([.notFound, .unavailable], 502),
        ([], 502),
    ])
    func httpStatus(_ statuses: [SourceStatus], _ expected: Int) {
        #expect(DossierStatus.httpStatus(for: statuses) == expected)
    }

    /// One ok source makes the dossier 200 whatever any other source did.
    @Test(arguments: SourceStatus.allCases, SourceStatus.allCases)
    func anyOKIs200(_ first: SourceStatus, _ second: SourceStatus) {
        #expect(DossierStatus.httpStatus(for: [first, .ok, second]) == 200)
    }

    /// not_permitted sections were never called, so they do not count towards the dossier's status.
    @Test(arguments: [
        ([SourceStatus.ok, .notPermitted], 200),
        ([.notPermitted, .ok, .notPermitted], 200),
        ([.timeout, .notPermitted], 504),
        ([.notPermitted, .timeout, .timeout], 504),
        ([.notFound, .notPermitted], 404),
        ([.notFound, .notPermitted, .notFound], 404),
        ([.unavailable, .notPermitted], 502),
        ([.circuitOpen, .notPermitted, .notPermitted], 502),
        ([.notPermitted], 502),
        ([.notPermitted, .notPermitted, .notPermitted], 502),
    ])
    func notPermittedIsIgnored(_ statuses: [SourceStatus], _ expected: Int) {
        #expect(DossierStatus.httpStatus(for: statuses) == expected)
    }

    /// Adding a not_permitted section anywhere never changes the status of a non-empty set of called sources.
    @Test(arguments: SourceStatus.allCases.filter { $0 != .notPermitted }, SourceStatus.allCases.filter { $0 != .notPermitted })
    func notPermittedNeverChangesStatus(_ first: SourceStatus, _ second: SourceStatus) {
        let called = [first, second]
        let expected = DossierStatus.httpStatus(for: called)
        #expect(DossierStatus.httpStatus(for: [.notPermitted] + called) == expected)
        #expect(DossierStatus.httpStatus(for: [first, .notPermitted, second]) == expected)
        #expect(DossierStatus.httpStatus(for: called + [.notPermitted, .notPermitted]) == expected)
    }

    /// A failed required source decides the status from the failed required sources alone,
    /// whatever the optional ones did; with every required source ok the SPEC rule applies.
    @Test(arguments: [
        // (all statuses, statuses of the required ones, expected)
        ([SourceStatus.ok, .ok, .ok], [SourceStatus.ok], 200),
        ([.ok, .timeout, .unavailable], [.ok], 200),
        ([.ok, .timeout, .ok], [.ok, .timeout], 504),
        ([.ok, .notFound, .ok], [.notFound], 404),
        ([.notFound, .ok, .ok], [.notFound, .ok], 404),
        ([.ok, .ok, .timeout], [.timeout], 504),
        ([.ok, .upstreamError, .ok], [.upstreamError], 502),
        ([.ok, .circuitOpen, .ok], [.circuitOpen], 502),
        ([.ok, .timeout, .notFound], [.timeout, .notFound], 502),
        ([.notFound, .notFound, .ok], [.notFound, .notFound], 404),
        ([.timeout, .timeout, .timeout], [.timeout], 504),
        ([.ok, .notPermitted], [.notPermitted], 200),
        ([.timeout, .timeout], [], 504),
        ([.ok, .timeout], [], 200),
    ])
    func requiredSourcesDecide(_ statuses: [SourceStatus], _ required: [SourceStatus], _ expected: Int) {
        #expect(DossierStatus.httpStatus(for: statuses, requiredStatuses: required) == expected)
    }

    /// With no required source the policy-aware rule is exactly the SPEC rule.
    @Test(arguments: SourceStatus.allCases, SourceStatus.allCases)
    func noRequiredSourceIsSpecRule(_ first: SourceStatus, _ second: SourceStatus) {
        #expect(DossierStatus.httpStatus(for: [first, second], requiredStatuses: []) == DossierStatus.httpStatus(for: [first, second]))
    }

    /// Status raw values are the wire strings of SPEC §2.
    @Test func rawValuesMatchSpec() {
        #expect(SourceStatus.allCases.map(\.rawValue) ==
            ["ok", "not_found", "timeout", "unavailable", "upstream_error", "invalid_response", "circuit_open", "not_permitted"])
    }
}
