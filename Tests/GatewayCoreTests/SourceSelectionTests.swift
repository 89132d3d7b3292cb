import Testing
import GatewayCore

struct SourceSelectionTests {
    static let config = GatewayConfig(listen: ListenConfig(), sources: [
        SourceConfig(name: "land", baseURL: "http://127.0.0.1:9101", path: "/land/{property_id}"),
        SourceConfig(name: "tax", baseURL: "http://127.0.0.1:9102", path: "/property-tax/{property_id}"),
        SourceConfig(name: "house", baseURL: "http://127.0.0.1:9103", path: "/house/{property_id}"),
    ])

    /// Without a list every source is selected, in config order.
    @Test func nilSelectsAll() throws {
        #expect(try SourceSelection.sources(named: nil, in: Self.config).map(\.name) == ["land", "tax", "house"])
    }

    /// A subset comes back in config order, not request order, and without duplicates.
    @Test(arguments: [
        ("tax,land", ["land", "tax"]),
        ("house", ["house"]),
        ("house,tax,land", ["land", "tax", "house"]),
        ("land,land", ["land"]),
    ])
    func subsetInConfigOrder(_ list: String, _ expected: [String]) throws {
        #expect(try SourceSelection.sources(named: list, in: Self.config).map(\.name) == expected)
    }

    /// Empty, malformed or unknown lists are a 400 invalid-parameter problem.
    @Test(arguments: ["", ",", "land,,", ",land", "land,", "fire", "land,fire", "LAND", " land", "land tax"])
    func badListIs400(_ list: String) throws {
        let problem = try #require(throws: Problem.self) { try SourceSelection.sources(named: list, in: Self.config) }
        #expect(problem.status == 400)
        #expect(problem.kind == "invalid-parameter")
        #expect(!problem.detail.isEmpty)
    }

    /// An unknown name is named (at most 32 characters of it) along with the known sources.
    @Test func unknownNameIsExplained() throws {
        let long = "x" + String(repeating: "y", count: 100)
        let problem = try #require(throws: Problem.self) { try SourceSelection.sources(named: "tax,\(long)", in: Self.config) }
        #expect(problem.detail.contains(String(long.prefix(32))))
        #expect(!problem.detail.contains(String(long.prefix(33))))
        #expect(problem.detail.contains("land, tax, house"))
    }
}
