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

    /// Status raw values are the wire strings of SPEC §2.
    @Test func rawValuesMatchSpec() {
        #expect(SourceStatus.allCases.map(\.rawValue) ==
            ["ok", "not_found", "timeout", "unavailable", "upstream_error", "invalid_response", "circuit_open", "not_permitted"])
    }
}
