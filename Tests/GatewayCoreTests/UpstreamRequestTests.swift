import Testing
import GatewayCore

struct UpstreamRequestTests {
    static let tax = SourceConfig(name: "tax", baseURL: "http://127.0.0.1:9102", path: "/property-tax/{property_id}",
                                  timeoutMs: 1500, connectTimeoutMs: 300, maxInFlight: 256, maxResponseBytes: 1_048_576)

    /// The id replaces the placeholder and the path is appended to the base URL.
    @Test func buildsURLFromTemplate() throws {
        let request = Self.tax.request(for: try #require(PropertyID("341502001001GB00001F00010001")), deadline: nil)
        #expect(request == UpstreamRequest(source: "tax",
                                           url: "http://127.0.0.1:9102/property-tax/341502001001GB00001F00010001",
                                           timeoutMs: 1500, connectTimeoutMs: 300, maxResponseBytes: 1_048_576))
    }

    /// A placeholder mid-path and a base URL with a prefix both survive substitution.
    @Test func placeholderInMiddleWithPrefix() throws {
        let source = SourceConfig(name: "house", baseURL: "https://house.example:8443/gw", path: "/v2/{property_id}/summary")
        let request = source.request(for: try #require(PropertyID("LA-FAULT-HOUSE-500")), deadline: nil)
        #expect(request.url == "https://house.example:8443/gw/v2/LA-FAULT-HOUSE-500/summary")
    }

    /// A source parsed from config builds URLs without a doubled slash.
    @Test func parsedSourceHasNoDoubleSlash() throws {
        let text = #"{"sources":[{"name":"land","base_url":"http://127.0.0.1:9101/","path":"/land/{property_id}","timeout_ms":900}], "roles": {"clerk": {"sources": ["land"], "views": {"land": {}}}}, "clients": [{"id": "desk", "role": "clerk", "api_key_sha256": "115b02f6b0f33535218aa0aae0e64d0af5bf222c62b3d6fb9e96fd6a888e4b1b"}], "audit": {"path": "var/audit/audit.jsonl"}}"#
        let source = try #require(try GatewayConfig.parse(Array(text.utf8)).sources.first)
        #expect(source.request(for: try #require(PropertyID("LA2023001")), deadline: nil).url
                == "http://127.0.0.1:9101/land/LA2023001")
    }

    /// The timeout a call runs with is the source's own unless less of the deadline is left when
    /// the call is taken; the flag says which.
    @Test(arguments: [
        (3000, 1500, 300, false),
        (1501, 1500, 300, false),
        (1500, 1500, 300, false),
        (1499, 1499, 300, true),
        (300, 300, 300, true),
        (200, 200, 200, true),
        (1, 1, 1, true),
        (0, 1, 1, true),
        (-40, 1, 1, true),
    ])
    func timeoutCutToDeadline(_ remaining: Int, _ timeout: Int, _ connect: Int, _ limited: Bool) throws {
        let taken = ContinuousClock.now
        let request = Self.tax.request(for: try #require(PropertyID("LA2023001")), deadline: Deadline(milliseconds: remaining, after: taken))
        let timeouts = request.limits(from: taken).timeouts(at: taken)
        #expect(timeouts.timeoutMs == timeout)
        #expect(timeouts.connectTimeoutMs == connect)
        #expect(timeouts.timeoutSetByDeadline == limited)
        #expect(request.maxResponseBytes == 1_048_576)
    }

    /// Whatever the remaining time, 1 <= connect timeout <= timeout <= the source's timeout.
    @Test(arguments: [(1500, 300), (1500, 1500), (100, 100), (50, 10)])
    func connectTimeoutNeverAboveTimeout(_ timeoutMs: Int, _ connectMs: Int) throws {
        let source = SourceConfig(name: "land", baseURL: "http://h", path: "/{property_id}",
                                  timeoutMs: timeoutMs, connectTimeoutMs: connectMs)
        let id = try #require(PropertyID("LA2023001"))
        let taken = ContinuousClock.now
        for remaining in stride(from: -10, through: 2000, by: 7) {
            let timeouts = source.request(for: id, deadline: Deadline(milliseconds: remaining, after: taken)).limits(from: taken).timeouts(at: taken)
            #expect(1 <= timeouts.connectTimeoutMs && timeouts.connectTimeoutMs <= timeouts.timeoutMs)
            #expect(timeouts.timeoutMs <= timeoutMs)
            #expect(timeouts.timeoutSetByDeadline == (remaining < timeoutMs))
        }
    }
}
