import DepartmentStubs
import GatewayCore
import Testing

/// SPEC §6: every fault of every department, through a real gateway and real stubs.
@Suite(.endsWhatItStarts) struct FaultMatrixTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let department: Department
        let fault: Fault
        var testDescription: String { fault.propertyID(for: department) }
    }

    static let cases = Department.allCases.flatMap { department in Fault.allCases.map { Case(department: department, fault: $0) } }

    static func expectedStatus(of fault: Fault) -> SourceStatus {
        switch fault {
        case .timeout, .slow, .drip: .timeout
        case .serverError: .upstreamError
        case .notFound: .notFound
        case .badJSON, .huge: .invalidResponse
        case .reset: .unavailable
        }
    }

    /// The faulty source gets its status and an error, the others are ok with data, and
    /// the dossier arrives within the faulty source's timeout + 300 ms.
    @Test(arguments: cases)
    func faultIsIsolatedToItsSource(_ faultCase: Case) async throws {
        let environment = try await TestEnvironment.shared()
        let propertyID = faultCase.fault.propertyID(for: faultCase.department)
        let started = ContinuousClock.now
        let response = try await environment.get("/v1/properties/\(propertyID)/dossier")
        let elapsed = started.duration(to: .now)

        #expect(elapsed < .milliseconds(1500 + 300), "answered after \(elapsed)")
        #expect(response.status == 200)
        #expect(response.headers["x-dossier-complete"] == "false")
        let dossier = try response.json()
        #expect(dossier["complete"]?.bool == false)
        #expect(dossier["property_id"]?.string == propertyID)
        for department in Department.allCases {
            let section = try #require(dossier["sources"]?[department.rawValue])
            if department == faultCase.department {
                #expect(section["status"]?.string == Self.expectedStatus(of: faultCase.fault).rawValue)
                let error = try #require(section["error"]?.string)
                #expect(!error.isEmpty)
                #expect(!error.contains("<html"), "upstream body leaked into the error")
                #expect(section["data"] == nil)
            } else {
                #expect(section["status"]?.string == "ok")
                #expect(section["data"]?["property_id"]?.string == propertyID)
            }
        }
    }
}
