@testable import Gateway
import GatewayCore
import Testing

/// The published contract (`Sources/Gateway/Resources/openapi.yaml`) and the router agree, and the
/// gateway serves the contract itself. Schemathesis checks the answers against it (`ContractFuzzTests`).
@Suite(.endsWhatItStarts) struct OpenAPIContractTests {
    static let document = String(decoding: OpenAPIDocument.yaml, as: UTF8.self)

    /// Every route the router serves is in the document with its methods, and every path in the
    /// document is a route: adding a route without documenting it (or the reverse) fails here.
    @Test func everyRouteIsDocumentedAndNothingElse() {
        let routes = GatewayRouter.Route.allCases.compactMap { route in route.pathTemplate.map { ($0, Set(route.methods)) } }
        let expected = OpenAPIOperations(methodsByPath: Dictionary(uniqueKeysWithValues: routes))
        #expect(OpenAPIOperations(yaml: Self.document) == expected)
    }

    /// Each documented path, with its parameters filled in, reaches the route it documents.
    @Test(arguments: GatewayRouter.Route.allCases.filter { $0.pathTemplate != nil })
    func documentedPathReachesItsRoute(_ route: GatewayRouter.Route) throws {
        let template = try #require(route.pathTemplate)
        #expect(GatewayRouter.route(of: template.replacing("{property_id}", with: "LA2023001")) == route)
    }

    /// The per-source status enum of the document is exactly the gateway's.
    @Test func sourceStatusEnumMatches() {
        let values = SourceStatus.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(Self.document.contains("enum: [\(values)]"))
    }

    /// `GET /openapi.yaml` needs no key and answers the embedded document as YAML.
    @Test func documentIsServedWithoutCredentials() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/openapi.yaml", headers: [:])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/yaml")
        #expect(response.headers["x-request-id"] != nil)
        #expect(response.body == OpenAPIDocument.yaml)
        #expect(response.bodyText.hasPrefix("openapi: 3.1."))
    }
}
