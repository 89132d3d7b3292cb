import Testing
import GatewayCore

private let land = SourceConfig(name: "land", baseURL: "http://127.0.0.1:9101", path: "/land/{property_id}")
private let tax = SourceConfig(name: "tax", baseURL: "http://127.0.0.1:9102", path: "/property-tax/{property_id}")
private let house = SourceConfig(name: "house", baseURL: "http://127.0.0.1:9103", path: "/house/{property_id}")

private func role(_ name: String, _ sources: [String]) -> RoleConfig {
    RoleConfig(name: name, sources: sources)
}

struct AccessSourceAccessTests {
    /// A role that may read every source gets all requested sources, in request order, and forbids none.
    @Test func allPermitted() throws {
        let access = try SourceAccess(requested: [land, tax, house], role: role("clerk", ["house", "land", "tax"]))
        #expect(access.permitted == [land, tax, house])
        #expect(access.forbidden.isEmpty)
    }

    /// A land-only role asking for land, tax and house gets land; tax and house are forbidden, in request order.
    @Test func partiallyPermitted() throws {
        let access = try SourceAccess(requested: [land, tax, house], role: role("land_records", ["land"]))
        #expect(access.permitted == [land])
        #expect(access.forbidden == [tax, house])
    }

    /// Requested order is kept on both sides, whatever order the role lists its sources in.
    @Test func keepsRequestedOrder() throws {
        let access = try SourceAccess(requested: [house, land, tax], role: role("mixed", ["tax", "land"]))
        #expect(access.permitted.map(\.name) == ["land", "tax"])
        #expect(access.forbidden.map(\.name) == ["house"])
    }

    /// Only the requested subset is considered: sources the role may read but did not ask for are absent.
    @Test func onlyRequested() throws {
        let access = try SourceAccess(requested: [tax], role: role("clerk", ["land", "tax", "house"]))
        #expect(access.permitted == [tax])
        #expect(access.forbidden.isEmpty)
    }

    /// If the role may read none of the requested sources, the request is a 403 forbidden problem naming the role.
    @Test(arguments: [
        ([tax], ["land"]),
        ([tax, house], ["land"]),
        ([land, tax, house], []),
    ])
    func noneIsForbidden(_ requested: [SourceConfig], _ readable: [String]) throws {
        let problem = try #require(throws: Problem.self) {
            try SourceAccess(requested: requested, role: role("land_records", readable))
        }
        #expect(problem.status == 403)
        #expect(problem.kind == "forbidden")
        #expect(problem.detail.contains("land_records"))
    }

    /// Source names are matched exactly: a role listing "Land" may not read "land".
    @Test func exactNameMatch() throws {
        let problem = try #require(throws: Problem.self) {
            try SourceAccess(requested: [land], role: role("odd", ["Land", "land ", "lan"]))
        }
        #expect(problem.status == 403)
        #expect(role("odd", ["Land"]).mayRead("land") == false)
        #expect(role("ok", ["land"]).mayRead("land"))
    }
}
