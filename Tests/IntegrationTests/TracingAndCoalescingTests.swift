import DepartmentStubs
import GatewayCore
import Testing

/// W3C trace context through the gateway, and identical upstream calls shared.
@Suite(.endsWhatItStarts) struct TracingAndCoalescingTests {
    /// The caller's trace reaches every department with a new span each, and comes back in the answer.
    @Test func traceparentIsPropagated() async throws {
        let environment = try await TestEnvironment.start()
        let callerSpan = "00f067aa0ba902b7"
        var headers = TestEnvironment.credentials()
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-\(callerSpan)-01"
        headers["X-Request-Id"] = "trace-test-1"
        let response = try await environment.get("/v1/properties/LA2023002/dossier", headers: headers)
        #expect(response.status == 200)
        let returned = try #require(response.headers["traceparent"])
        #expect(returned.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        #expect(!returned.contains(callerSpan), "the gateway's own span is returned")

        var spans: Set<String> = []
        for department in Department.allCases {
            let received = try #require(environment.stubs[department].receivedRequests.first)
            let parts = try #require(received.traceparent).split(separator: "-")
            #expect(parts.count == 4)
            #expect(parts[1] == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(parts[3] == "01")
            spans.insert(String(parts[2]))
            #expect(received.requestID == "trace-test-1")
        }
        #expect(spans.count == 3, "each upstream call has its own span")
        #expect(!spans.contains(callerSpan))
    }

    /// Without a caller trace the gateway starts one and still propagates it.
    @Test func traceStartsWhenAbsent() async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.get("/v1/properties/LA2023003/dossier")
        let traceparent = try #require(response.headers["traceparent"])
        #expect(traceparent.split(separator: "-").map(\.count) == [2, 32, 16, 2])
    }

    /// 100 concurrent dossiers of one property cost each department one call (the departments
    /// take a second, so that all 100 are surely in while the first call is out).
    @Test func identicalCallsAreCoalesced() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .seconds(1), .tax: .seconds(1), .house: .seconds(1)])
        let port = environment.gateway.port
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 {
                group.addTask { try await httpGet(port, "/v1/properties/LA2023004/dossier", headers: TestEnvironment.credentials()).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 100)
        #expect(statuses.allSatisfy { $0 == 200 })
        for department in Department.allCases {
            let counter = try await httpGet(environment.stubs[department].port, "/_stub/requests", headers: [:])
            let calls = try #require(try counter.json()["requests"]?.integer)
            #expect(calls == 1, "\(department.rawValue) was called \(calls) times for 100 identical dossiers")
        }
    }

    /// With `cache_ttl_ms`, a second dossier within the TTL is served from the cache; after it, the department is asked again.
    @Test func responseCacheHonoursTTL() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            for index in config.sources.indices { config.sources[index].cacheTTLMs = 2000 }
            return config
        }
        for _ in 0..<3 {
            #expect(try await environment.get("/v1/properties/LA2023002/dossier").status == 200)
        }
        #expect(environment.stubs[.land].receivedPaths.count == 1)
        try await Task.sleep(for: .milliseconds(2100))
        let later = try await environment.get("/v1/properties/LA2023002/dossier")
        #expect(try later.json()["sources"]?["land"]?["data"]?["property_id"]?.string == "LA2023002")
        #expect(environment.stubs[.land].receivedPaths.count == 2)
    }
}
