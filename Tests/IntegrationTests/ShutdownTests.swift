import DepartmentStubs
import Foundation
import GatewayJSON
import HTTPServer
import Testing

/// Stopping the gateway: what is in flight finishes, what arrives meanwhile is told to go elsewhere.
@Suite(.endsWhatItStarts) struct ShutdownTests {
    /// A dossier in flight when shutdown begins is still answered 200; a new one gets 503 problem+json.
    @Test func inFlightDossiersFinish() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(400), .tax: .milliseconds(400), .house: .milliseconds(400)])
        let port = environment.gateway.port
        let inFlight = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()) }
        try await Task.sleep(for: .milliseconds(150))
        let late = try RawHTTPConnection(port: port)
        let shutdown = Task { await environment.gateway.shutdown(gracePeriod: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        let refused = try await late.send("GET", "/v1/properties/LA2023002/dossier", headers: TestEnvironment.credentials())
        #expect(refused.status == 503)
        #expect(refused.headers["content-type"] == "application/problem+json; charset=utf-8")
        #expect(refused.headers["retry-after"] == "1")
        #expect(try await inFlight.value.status == 200)
        await shutdown.value
        await environment.stubs.shutdown()
    }

    /// A handler still running past the drain does not hold shutdown: it is cancelled, gets one
    /// more second, then its request is answered 503 shutting-down; meanwhile new requests are
    /// refused without reaching the router (even `/healthz`), and shutdown ends about then.
    @Test(.timeLimit(.minutes(1))) func overrunningRequestIsRefusedInBoundedTime() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(4500)]) {
            TestEnvironment.config(for: $0, timeoutMs: 5000, deadlineMs: 6000)
        }
        let port = environment.gateway.port
        let inFlight = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()) }
        try await Task.sleep(for: .milliseconds(150))
        let clock = ContinuousClock()
        let started = clock.now
        let shutdown = Task { await environment.gateway.shutdown(gracePeriod: .milliseconds(200)) }
        try await Task.sleep(for: .milliseconds(500))
        let late = try await httpGet(port, "/healthz")
        #expect(late.status == 503)
        #expect(late.headers["connection"] == "close")
        #expect(try late.json()["type"]?.string == "urn:exchange-gateway:problem:shutting-down")

        let overran = try await inFlight.value
        #expect(overran.status == 503)
        #expect(overran.headers["content-type"] == "application/problem+json; charset=utf-8")
        #expect(try overran.json()["type"]?.string == "urn:exchange-gateway:problem:shutting-down")
        await shutdown.value
        #expect(started.duration(to: clock.now) < .milliseconds(3000), "shutdown waited for the department (4.5 s)")
        await environment.stubs.shutdown()
    }

    /// A request still being answered when the drain runs out serves no data, and its audit
    /// record says what its client got: 503, not the dossier's 200.
    @Test(.timeLimit(.minutes(1))) func requestPastTheDrainIsAuditedAsRefused() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(600)])
        let port = environment.gateway.port
        let headers = TestEnvironment.credentials().merging(["X-Request-Id": "past-the-drain"]) { $1 }
        let inFlight = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: headers) }
        try await Task.sleep(for: .milliseconds(150))
        await environment.gateway.shutdown(gracePeriod: .milliseconds(100))
        #expect(try await inFlight.value.status == 503)
        let record = try AuditIntegrationTests.records(environment.gateway.config.audit).first {
            $0["request_id"]?.string == "past-the-drain"
        }
        #expect(record?["http_status"]?.integer == 503)
    }

    /// A second shutdown while the first drains waits for it: it does not close the upstream
    /// client or the audit log under the request still being answered.
    @Test(.timeLimit(.minutes(1))) func secondShutdownWaitsForTheFirst() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(600)])
        let port = environment.gateway.port
        let inFlight = Task { try await httpGet(port, "/v1/properties/LA2023001/dossier", headers: TestEnvironment.credentials()) }
        try await Task.sleep(for: .milliseconds(150))
        let first = Task { await environment.gateway.shutdown(gracePeriod: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        await environment.gateway.shutdown(gracePeriod: .zero)
        let response = try await inFlight.value
        #expect(response.status == 200)
        #expect(try response.json()["sources"]?["land"]?["status"]?.string == "ok")
        await first.value
    }

    /// Steady traffic does not hold shutdown: past the drain requests no longer start handlers,
    /// so there is soon nothing left to wait for; they are refused until the listener closes.
    @Test(.timeLimit(.minutes(1))) func steadyTrafficDoesNotHoldShutdown() async throws {
        let environment = try await TestEnvironment.start()
        let port = environment.gateway.port
        let load = (0..<4).map { _ in
            Task {
                var statuses: [Int] = []
                // Ends when the listener is gone (connect or read fails); the bound is only a backstop.
                for _ in 0..<20_000 {
                    guard let response = try? await httpGet(port, "/healthz") else { break }
                    statuses.append(response.status)
                }
                return statuses
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        await environment.gateway.shutdown(gracePeriod: .milliseconds(300))
        #expect(started.duration(to: clock.now) < .milliseconds(1500), "shutdown waited for the traffic to stop")
        var statuses: [Int] = []
        for task in load { statuses += await task.value }
        #expect(statuses.contains(200))
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 })
        await environment.stubs.shutdown()
    }

    /// A batch still running past the drain stops starting items: each item not started is an
    /// audited 503 shutting-down problem, and the batch is answered long before its last round.
    @Test(.timeLimit(.minutes(1))) func batchStopsStartingItemsPastTheDrain() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(800)])
        let ids = (1...40).map { "NOSUCH\(1000 + $0)" }
        let body = #"{"property_ids": ["# + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
        let clock = ContinuousClock()
        let started = clock.now
        let batch = Task { try await environment.post("/v1/dossiers:batch", body: body) }
        try await Task.sleep(for: .milliseconds(100))
        // Eight items at a time, 800 ms each: without stopping, the batch would take 4 s.
        await environment.gateway.shutdown(gracePeriod: .milliseconds(100))
        let response = try await batch.value
        #expect(started.duration(to: clock.now) < .milliseconds(2500))
        #expect(response.status == 200)
        let items = try #require(try response.json()["dossiers"]).elements
        #expect(items.map { $0["property_id"]?.string } == ids)
        let refused = items.filter { $0["error"]?["type"]?.string == "urn:exchange-gateway:problem:shutting-down" }
        #expect(refused.count >= 24)
        #expect(refused.allSatisfy { $0["error"]?["status"]?.integer == 503 && $0["sources"] == nil })
        #expect(items.allSatisfy { $0["http_status"] != nil || $0["error"] != nil })

        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        let statusByID = Dictionary(uniqueKeysWithValues: records.compactMap { record in
            record["request_id"]?.string.map { ($0, record["http_status"]?.integer) }
        })
        for item in refused {
            #expect(statusByID[item["error"]?["request_id"]?.string ?? ""] == 503, "refused item not audited")
        }
        await environment.stubs.shutdown()
    }

    /// An `HTTPServer` dropped without `shutdown()` stops its daemon, so no MHD thread outlives
    /// it; `shutdown()` may be called twice.
    @Test func serverStopsWhenDroppedAndShutdownIsIdempotent() async throws {
        var dropped: HTTPServer? = try HTTPServer(configuration: .init()) { _ in .respond(HTTPResponse(status: 204)) }
        let droppedPort = try #require(dropped?.port)
        #expect(try await httpGet(droppedPort, "/").status == 204)
        dropped = nil
        #expect(throws: RawHTTPError.self) { try RawHTTPConnection(port: droppedPort) }

        let stopped = try HTTPServer(configuration: .init()) { _ in .respond(HTTPResponse(status: 204)) }
        await stopped.shutdown(gracePeriod: .zero)
        await stopped.shutdown(gracePeriod: .zero)
        #expect(throws: RawHTTPError.self) { try RawHTTPConnection(port: stopped.port) }
    }
}
