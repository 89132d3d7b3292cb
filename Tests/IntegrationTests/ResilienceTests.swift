import DepartmentStubs
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// Issue #7 behaviour through a real gateway and real stubs: breakers, bulkheads, rate limits, metrics.
@Suite(.endsWhatItStarts) struct ResilienceTests {
    /// After repeated 500s the house breaker opens (no more calls, `circuit_open`), then a
    /// half-open probe that succeeds closes it again.
    @Test func breakerOpensAndCloses() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            for index in config.sources.indices {
                config.sources[index].circuitBreaker = CircuitBreakerConfig(consecutiveFailures: 3, minimumCalls: 100,
                                                                            openDuration: .milliseconds(600))
            }
            return config
        }
        let failing = "/v1/properties/\(Fault.serverError.propertyID(for: .house))/dossier"
        for _ in 0..<3 {
            let response = try await environment.get(failing)
            #expect(try response.json()["sources"]?["house"]?["status"]?.string == "upstream_error")
        }
        let callsWhileClosed = environment.stubs[.house].receivedPaths.count
        let open = try await environment.get(failing)
        let house = try #require(try open.json()["sources"]?["house"])
        #expect(house["status"]?.string == "circuit_open")
        #expect(house["error"]?.string?.isEmpty == false)
        #expect(try open.json()["sources"]?["land"]?["status"]?.string == "ok", "other sources are unaffected")
        #expect(environment.stubs[.house].receivedPaths.count == callsWhileClosed, "an open breaker makes no call")
        #expect(try await environment.get("/readyz").json()["circuit_breakers"]?["house"]?.string == "open")

        try await Task.sleep(for: .milliseconds(700))
        let probe = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(try probe.json()["sources"]?["house"]?["status"]?.string == "ok")
        #expect(try await environment.get("/readyz").json()["circuit_breakers"]?["house"]?.string == "closed")
    }

    /// With one dossier in progress allowed, a second one waits and, when the first does not
    /// finish in time, is answered `503 overloaded` with `Retry-After` shortly before its own
    /// deadline, audited, without calling any department; the first is unharmed.
    @Test func admissionRefusesWhenFull() async throws {
        let audit = AuditConfig(path: TestEnvironment.temporaryDirectory() + "/audit.jsonl")
        let environment = try await TestEnvironment.start(latency: [.house: .seconds(2)]) { stubs in
            TestEnvironment.config(for: stubs, deadlineMs: 1000,
                                   limits: LimitsConfig(malformedBurst: 10_000, maxDossiersInProgress: 1), audit: audit)
        }
        let port = environment.gateway.port
        let first = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()) }
        // The first holds the only place until its deadline (house takes 2 s): once house has its
        // call, the second comes and is refused about 900 ms after it came.
        let giveUp = ContinuousClock.now + .seconds(5)
        while environment.stubs[.house].receivedPaths.isEmpty && ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(!environment.stubs[.house].receivedPaths.isEmpty, "the first dossier never called house")
        let started = ContinuousClock.now
        let second = try await environment.get("/v1/properties/LA2023002/dossier")
        let waited = started.duration(to: .now)
        #expect(second.status == 503)
        #expect(try second.json()["type"]?.string == "urn:exchange-gateway:problem:overloaded")
        #expect(second.headers["retry-after"] == "1")
        #expect(waited >= .milliseconds(700) && waited < .milliseconds(2000), "refused shortly before its deadline: \(waited)")
        #expect(try await first.value.status == 200)
        #expect(environment.allStubPaths.count == 3, "only the first dossier called the departments: \(environment.allStubPaths)")
        let statuses = try AuditIntegrationTests.records(audit).filter { $0["type"]?.string == "access" }.compactMap { $0["http_status"]?.integer }
        #expect(statuses.sorted() == [200, 503])
    }

    /// A call that waits for its department's permit starts when one is given back, and the
    /// dossier then has every source: with two permits for house (300 ms), four dossiers at once
    /// all get house `ok`, the last two about one house call later, and land is never held up.
    @Test func waitingCallStartsWhenAPermitFrees() async throws {
        let environment = try await TestEnvironment.start(latency: [.house: .milliseconds(300)]) { stubs in
            var config = TestEnvironment.config(for: stubs)
            for index in config.sources.indices where config.sources[index].name == "house" {
                config.sources[index].maxInFlight = 2
            }
            return config
        }
        let port = environment.gateway.port
        let properties = ["LA2023001", "LA2023002", "LA2023003", "LA2023004"]
        let started = ContinuousClock.now
        let dossiers = try await withThrowingTaskGroup(of: JSON.self) { group in
            for property in properties {
                group.addTask { try await httpGet(port, "/v1/properties/\(property)/dossier", headers: TestEnvironment.credentials()).json() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = started.duration(to: .now)
        #expect(dossiers.map { $0["sources"]?["house"]?["status"]?.string } == Array(repeating: "ok", count: 4))
        #expect(dossiers.allSatisfy { $0["sources"]?["land"]?["latency_ms"]?.integer ?? 9999 < 250 })
        #expect(elapsed >= .milliseconds(600), "four house calls through two permits take two rounds: \(elapsed)")
        #expect(elapsed < .milliseconds(1500), "\(elapsed)")
        #expect(environment.stubs[.house].receivedPaths.count == 4)
    }

    /// A house department answering in 2 s with `max_in_flight` 4 fills its bulkhead; land and
    /// tax dossiers asked for meanwhile are not slowed down, and the house calls beyond the four
    /// end as `unavailable` at the deadline instead of piling up on the department.
    @Test func bulkheadIsolatesASlowSource() async throws {
        let environment = try await TestEnvironment.start(latency: [.house: .seconds(2)]) { stubs in
            var config = TestEnvironment.config(for: stubs, timeoutMs: 1800, deadlineMs: 1800)
            for index in config.sources.indices where config.sources[index].name == "house" {
                config.sources[index].maxInFlight = 4
            }
            return config
        }
        let port = environment.gateway.port
        // Eight different properties, so no two calls are coalesced.
        let properties = ["LA2023001", "LA2023002", "LA2023003", "LA2023004", "LA2023005", "341502001001GB00001F00010001",
                          "341503002003GB00012F00020003", "341522001004GB00045F00010002"]
        let slow = properties.map { property in
            Task { try await httpGet(port, "/v1/properties/\(property)/dossier", headers: TestEnvironment.credentials()) }
        }
        try await Task.sleep(for: .milliseconds(200))
        for _ in 0..<5 {
            let started = ContinuousClock.now
            let quick = try await environment.get("/v1/properties/LA2023003/dossier?sources=land,tax")
            #expect(quick.status == 200)
            #expect(started.duration(to: .now) < .milliseconds(500), "land/tax were slowed down by house")
        }
        var houseStatuses: [String] = []
        for task in slow {
            let dossier = try await task.value.json()
            houseStatuses.append(dossier["sources"]?["house"]?["status"]?.string ?? "?")
            #expect(dossier["sources"]?["land"]?["latency_ms"]?.integer ?? 9999 < 500)
        }
        #expect(houseStatuses.filter { $0 == "timeout" }.count == 4, "\(houseStatuses)")
        #expect(houseStatuses.filter { $0 == "unavailable" }.count == 4, "\(houseStatuses)")
        #expect(environment.stubs[.house].receivedPaths.count == 4, "the department never had more than four calls")
    }

    /// A client over its rate (its own, or the config's default) gets 429 with Retry-After; it is
    /// counted in metrics and audited.
    @Test(arguments: [true, false]) func rateLimitedClientGets429(ownLimit: Bool) async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            if ownLimit {
                config.clients[0].rateLimit = RateLimit(requestsPerSecond: 0.5, burst: 2)
            } else {
                config.defaultRateLimit = RateLimit(requestsPerSecond: 0.5, burst: 2)
            }
            return config
        }
        let statuses = try await [0, 1, 2].asyncMap { index in
            try await environment.get("/v1/properties/LA2023001/dossier",
                                      headers: TestEnvironment.credentials().merging(["X-Request-Id": "rate-\(index)"]) { $1 })
        }
        #expect(statuses.map(\.status) == [200, 200, 429])
        #expect(Int(statuses[2].headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(try statuses[2].json()["type"]?.string == "urn:exchange-gateway:problem:rate-limited")
        let metrics = try await environment.get("/metrics", headers: [:]).bodyText
        #expect(metrics.contains(#"exchange_gateway_rate_limited_total{client="desk-1"} 1"#))
        let audit = environment.gateway.config.audit
        await environment.stop()
        let limited = try AuditIntegrationTests.records(audit).first { $0["request_id"]?.string == "rate-2" }
        #expect(limited?["http_status"]?.integer == 429)
    }

    /// `/metrics` is valid Prometheus text (checked with promtool, which `.ci/install-test-tools` installs) and counts what happened.
    @Test func metricsExposition() async throws {
        let environment = try await TestEnvironment.start()
        _ = try await environment.get("/v1/properties/LA2023001/dossier")
        _ = try await environment.get("/v1/properties/\(Fault.timeout.propertyID(for: .tax))/dossier")
        let response = try await environment.get("/metrics", headers: [:])
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(response.headers["x-request-id"] != nil, "every answer carries X-Request-Id (schemathesis found it missing here)")
        let text = response.bodyText
        for expected in [#"exchange_gateway_http_requests_total{route="dossier",status="200"} 2"#,
                         #"exchange_gateway_client_requests_total{client="desk-1",route="dossier",status="200"} 2"#,
                         "exchange_gateway_overload_refusals_total 0",
                         #"exchange_gateway_source_outcomes_total{source="tax",status="timeout"} 1"#,
                         "exchange_gateway_dossier_duration_seconds_count 2",
                         #"exchange_gateway_circuit_breaker_state{source="land"} 0"#,
                         "exchange_gateway_audit_records_total", "process_resident_memory_bytes", "process_open_fds"] {
            #expect(text.contains(expected), "missing: \(expected)")
        }
        let promtool = try ExternalTool.system("/usr/bin/promtool")
        let path = TestEnvironment.temporaryDirectory() + "/metrics.txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try await ExternalTool.system("/bin/sh").run(["-c", "\(promtool.path) check metrics < \(path)"])
        #expect(check.status == 0, "\(check)")
    }
}

extension ResilienceTests {
    /// A reload resolves again the series each answer is counted in: what was counted before it
    /// stays (also a removed client's and a removed source's counters), a new client's answers
    /// and the remaining sources' are counted in the same series, and a removed source's breaker
    /// and bulkhead gauges are gone.
    @Test func metricsFollowAReload() async throws {
        let environment = try await TestEnvironment.start()
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 200)
        var reloaded = environment.gateway.config
        reloaded.clients.removeAll { $0.id == "desk-1" }
        reloaded.clients.append(ClientConfig(id: "desk-2", role: "clerk", apiKey: "desk-2-key"))
        reloaded.sources.removeAll { $0.name == "house" }
        try environment.gateway.reload(reloaded)
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials("desk-2-key")).status == 200)
        #expect(try await environment.get("/v1/properties/LA2023001/dossier").status == 401)
        let text = try await environment.get("/metrics", headers: [:]).bodyText
        for expected in [#"exchange_gateway_http_requests_total{route="dossier",status="200"} 2"#,
                         #"exchange_gateway_http_requests_total{route="dossier",status="401"} 1"#,
                         #"exchange_gateway_client_requests_total{client="desk-1",route="dossier",status="200"} 1"#,
                         #"exchange_gateway_client_requests_total{client="desk-2",route="dossier",status="200"} 1"#,
                         #"exchange_gateway_source_outcomes_total{source="house",status="ok"} 1"#,
                         #"exchange_gateway_source_outcomes_total{source="land",status="ok"} 2"#,
                         #"exchange_gateway_source_duration_seconds_count{source="land"} 2"#,
                         #"exchange_gateway_circuit_breaker_state{source="land"} 0"#] {
            #expect(text.contains("\n" + expected + "\n"), "missing: \(expected)")
        }
        for gone in [#"exchange_gateway_circuit_breaker_state{source="house"}"#, #"exchange_gateway_bulkhead_in_flight{source="house"}"#,
                     #"{client="desk-1",route="dossier",status="401"}"#] {
            #expect(!text.contains(gone), "still there: \(gone)")
        }
    }
}

extension Array {
    /// `transform` applied to each element in order, one after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
