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

    /// Every problem the gateway answers with is a `type` the document's `Problem` schema lists and
    /// a kind the README names, with the status the README gives it.
    @Test(arguments: [
        Problem.invalidPropertyID(), .invalidParameter(""), .routeNotFound(), .methodNotAllowed(allowed: ["GET"]),
        .payloadTooLarge(limit: 1), .shuttingDown(), .unauthorized(keyWasPresented: true), .uriTooLong(limit: 1),
        .tooManyMalformedRequests(retryAfterSeconds: 1), .forbiddenRole("r"), .auditUnavailable(), .overloaded(limit: 1),
        .rateLimited(retryAfterSeconds: 1), .invalidBody(""), .unsupportedMediaType(expected: ""), .ambiguousFraming(""),
        .unsupportedTransferEncoding(), .nulCharacter(in: ""), .foldedHeaderLine(), .invalidHeaderName(), .duplicateHeader(""),
        .invalidForwardedFor(""), .tooManyConnections(limit: 1), .requestHeaderTimeout(seconds: 1), .batchTooLarge(limit: 1),
    ])
    func everyProblemIsDocumented(_ problem: Problem) throws {
        #expect(Self.document.contains("- " + problem.type + "\n"), "\(problem.kind) is not in the Problem schema's type enum")
        let readme = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains("`\(problem.status) \(problem.kind)`"), "README does not name `\(problem.status) \(problem.kind)`")
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
