import DepartmentStubs
import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// `POST /v1/dossiers:batch`: order, coalescing, per-item status and audit, and refusals.
@Suite(.endsWhatItStarts) struct BatchRouteTests {
    static let path = "/v1/dossiers:batch"

    /// Items come back in first-seen order, a repeated id once, each with its own request id and
    /// the status its single request would have had; each department is asked once per id.
    @Test func orderAndDuplicates() async throws {
        let environment = try await TestEnvironment.start()
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023003", "NOSUCH0009", "LA2023003", "LA2023001"]}"#)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        let items = try #require(try response.json()["dossiers"]).elements
        #expect(items.map { $0["property_id"]?.string } == ["LA2023003", "NOSUCH0009", "LA2023001"])
        #expect(items.map { $0["http_status"]?.integer } == [200, 404, 200])
        #expect(Set(items.compactMap { $0["request_id"]?.string }).count == 3)
        #expect(items[0]["sources"]?["land"]?["data"]?["right_holder"]?["name"]?.string == "陈**")
        #expect(environment.allStubPaths.filter { $0.hasSuffix("/LA2023003") }.count == 3)
    }

    /// Every item is audited like a single dossier request: one record each, same shape.
    @Test func eachItemIsAudited() async throws {
        let environment = try await TestEnvironment.start()
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001", "LA2023002"], "sources": ["land", "tax"]}"#)
        let items = try #require(try response.json()["dossiers"]).elements
        #expect(items.map { $0["sources"]?.members.map(\.key) ?? [] } == [["land", "tax"], ["land", "tax"]])
        var single = TestEnvironment.credentials()
        single["X-Request-Id"] = "single-1"
        #expect(try await environment.get("/v1/properties/LA2023001/dossier?sources=land,tax", headers: single).status == 200)
        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        let byID = Dictionary(uniqueKeysWithValues: records.compactMap { record in record["request_id"]?.string.map { ($0, record) } })
        let singleRecord = try #require(byID["single-1"])
        for item in items {
            let record = try #require(byID[item["request_id"]!.string!], "no audit record for \(item["property_id"]!.string!)")
            #expect(record["property_id"] == item["property_id"])
            #expect(record["client"]?.string == "desk-1")
            #expect(record["purpose"]?.string == "登记案件 2026-0042")
            #expect(record["http_status"]?.integer == 200)
            #expect(record["sources"]?.elements.map { $0["name"]?.string } == ["land", "tax"])
            #expect(record.members.map(\.key) == singleRecord.members.map(\.key))
        }
    }

    /// Items take one rate-limit token each; those beyond the client's tokens are 429 items
    /// with no data, audited as such, while the earlier ones are served.
    @Test func rateLimitCountsItems() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.clients[0].rateLimit = RateLimit(requestsPerSecond: 0.1, burst: 2)
            return config
        }
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001", "LA2023002", "LA2023003"]}"#)
        #expect(response.status == 200)
        let items = try #require(try response.json()["dossiers"]).elements
        #expect(items.map { $0["http_status"]?.integer } == [200, 200, nil])
        #expect(items[2]["error"]?["status"]?.integer == 429)
        #expect(items[2]["error"]?["type"]?.string == "urn:exchange-gateway:problem:rate-limited")
        #expect(items[2]["sources"] == nil)
        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        #expect(records.contains { $0["property_id"]?.string == "LA2023003" && $0["http_status"]?.integer == 429 })
    }

    /// A batch passes the admission step of a single request, in the same order: key, rate
    /// limit, role, purpose. So a batch refused for its purpose has taken its items' tokens, as a
    /// single request refused for its purpose has taken its one, and what comes next has only what
    /// is left.
    @Test func rateLimitComesBeforeThePurposeForBatchesToo() async throws {
        let environment = try await TestEnvironment.start { stubs in
            var config = TestEnvironment.config(for: stubs)
            config.clients[0].rateLimit = RateLimit(requestsPerSecond: 0.1, burst: 3)
            return config
        }
        var withoutPurpose = TestEnvironment.credentials().merging(["Content-Type": "application/json"]) { $1 }
        withoutPurpose["X-Purpose"] = nil
        let batch = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001", "LA2023002"]}"#, headers: withoutPurpose)
        #expect(batch.status == 400)
        #expect(try await environment.get("/v1/properties/LA2023001/dossier", headers: withoutPurpose).status == 400)
        let last = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023003"]}"#)
        #expect(last.status == 200)
        let items = try #require(try last.json()["dossiers"]).elements
        #expect(items.first?["error"]?["status"]?.integer == 429)
    }

    /// Fail closed: without durable audit records no item carries data, and the answer itself,
    /// whose own record cannot be written either, is a 503 audit-unavailable problem.
    @Test func unwritableAuditServesNoData() async throws {
        let audit = try TestEnvironment.unopenableAudit().config
        let environment = try await TestEnvironment.start { TestEnvironment.config(for: $0, audit: audit) }
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001", "LA2023002"]}"#)
        #expect(response.status == 503)
        #expect(try response.json()["type"]?.string == "urn:exchange-gateway:problem:audit-unavailable")
        #expect(!response.bodyText.contains("梧桐苑"), "no department data without an audit record")
    }

    /// At most 8 dossiers are built at once: 9 ids against a 200 ms department need a second
    /// round (with 9 at once they would take one), and they are not built one after another.
    @Test func concurrencyIsBounded() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(200)])
        let ids = (1...9).map { "\"BATCH\($0)\"" }.joined(separator: ",")
        let started = ContinuousClock.now
        let response = try await environment.post(Self.path, body: #"{"property_ids": [\#(ids)], "sources": ["land"]}"#)
        let elapsed = started.duration(to: .now)
        #expect(response.status == 200)
        #expect(try response.json()["dossiers"]?.count == 9)
        #expect(elapsed >= .milliseconds(400), "9 dossiers at 8 at a time need two 200 ms rounds, took \(elapsed)")
        #expect(elapsed < .milliseconds(1500), "the batch should not run one dossier at a time (1.8 s), took \(elapsed)")
    }

    /// Batch items take places among the dossiers in progress like single requests: with one place,
    /// three items against a 300 ms department are built one after another (and all served).
    @Test func itemsGoThroughAdmission() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(300)]) { stubs in
            TestEnvironment.config(for: stubs, limits: LimitsConfig(malformedBurst: 10_000, maxDossiersInProgress: 1))
        }
        let started = ContinuousClock.now
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001", "LA2023002", "LA2023003"], "sources": ["land"]}"#)
        let elapsed = started.duration(to: .now)
        #expect(try response.json()["dossiers"]?.elements.map { $0["http_status"]?.integer } == [200, 200, 200])
        #expect(elapsed >= .milliseconds(900), "three items with one place take three 300 ms rounds, took \(elapsed)")
    }

    /// With no place free before its deadline, a batch is refused whole: 503 overloaded with
    /// Retry-After, one audit record, no item built. (One place: a dossier holds it, the batch waits
    /// for it, another dossier waits after the batch; under overload the place goes to the newest
    /// waiter, so the batch waits past its deadline.)
    @Test func aBatchWithoutAPlaceIsOverloaded() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(1000)]) { stubs in
            TestEnvironment.config(for: stubs, deadlineMs: 1500, limits: LimitsConfig(malformedBurst: 10_000, maxDossiersInProgress: 1))
        }
        let port = environment.gateway.port
        let auditor = TestEnvironment.credentials(TestEnvironment.Key.auditor)
        let first = Task { try await environment.get("/v1/properties/LA2023001/dossier?sources=land", headers: auditor) }
        try await ProxyFairnessTests.waitForRequestsInFlight(1, port: port)
        let headers = TestEnvironment.credentials().merging(["Content-Type": "application/json", "X-Request-Id": "refused-batch"]) { $1 }
        let batch = Task { try await environment.post(Self.path, body: #"{"property_ids": ["LA2023003"], "sources": ["land"]}"#, headers: headers) }
        try await ProxyFairnessTests.waitForRequestsInFlight(2, port: port)
        let second = Task { try await environment.get("/v1/properties/LA2023002/dossier?sources=land", headers: auditor) }
        let refused = try await batch.value
        #expect(refused.status == 503)
        #expect(try refused.json()["type"]?.string == "urn:exchange-gateway:problem:overloaded")
        #expect(refused.headers["retry-after"] == "1")
        #expect(try await first.value.status == 200)
        _ = try await second.value
        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        #expect(records.filter { $0["request_id"]?.string == "refused-batch" }.map { $0["http_status"]?.integer } == [503])
        #expect(!environment.stubs[.land].receivedPaths.contains { $0.hasSuffix("LA2023003") }, "no item of the refused batch was built")
    }

    /// At most `limits.max_batches_in_progress` batches are answered at once: each may hold up to
    /// `limits.max_batch_response_bytes` of finished dossiers until it is sent, so without this the
    /// memory of every batch a client's rate limit lets in adds up. One more waits for a place like a
    /// dossier, and without one in time it is refused whole: 503 overloaded, one audit record, no
    /// item built. (One place: a batch of 9 against a 1 s department holds it for two rounds.)
    @Test func batchesInProgressAreBounded() async throws {
        let environment = try await TestEnvironment.start(latency: [.land: .milliseconds(1000)]) { stubs in
            TestEnvironment.config(for: stubs, deadlineMs: 1500, limits: LimitsConfig(malformedBurst: 10_000, maxBatchesInProgress: 1))
        }
        let ids = (1...9).map { "\"BATCH\($0)\"" }.joined(separator: ",")
        let first = Task { try await environment.post(Self.path, body: #"{"property_ids": [\#(ids)], "sources": ["land"]}"#) }
        try await ProxyFairnessTests.waitForRequestsInFlight(1, port: environment.gateway.port)
        let headers = TestEnvironment.credentials().merging(["Content-Type": "application/json", "X-Request-Id": "second-batch"]) { $1 }
        let refused = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023005"], "sources": ["land"]}"#, headers: headers)
        #expect(refused.status == 503)
        #expect(try refused.json()["type"]?.string == "urn:exchange-gateway:problem:overloaded")
        #expect(refused.headers["retry-after"] == "1")
        let served = try await first.value
        #expect(served.status == 200)
        #expect(try served.json()["dossiers"]?.elements.map { $0["http_status"]?.integer } == Array(repeating: 404, count: 9))
        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        #expect(records.filter { $0["request_id"]?.string == "second-batch" }.map { $0["http_status"]?.integer } == [503])
        #expect(!environment.stubs[.land].receivedPaths.contains { $0.hasSuffix("LA2023005") }, "no item of the refused batch was built")
        let again = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023005"], "sources": ["land"]}"#)
        #expect(again.status == 200, "the place is given back")
    }

    /// One batch's answer holds at most `limits.max_batch_response_bytes` of dossiers: items past it
    /// are `413 batch-too-large` items with no data, audited as such, and the rest are not built.
    @Test func answerSizeIsBounded() async throws {
        let environment = try await TestEnvironment.start { stubs in
            TestEnvironment.config(for: stubs, limits: LimitsConfig(malformedBurst: 10_000, maxDossiersInProgress: 1,
                                                                    maxBatchResponseBytes: 4096))
        }
        let one = try await environment.get("/v1/properties/LA2023001/dossier")
        #expect(one.body.count > 2048 && one.body.count < 4096, "the test needs one dossier to fit and two not to: \(one.body.count) bytes")
        let ids = ["LA2023001", "LA2023002", "LA2023003", "LA2023004"]
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["\#(ids.joined(separator: "\", \""))"]}"#)
        #expect(response.status == 200)
        #expect(response.body.count < 4096 + 2048)
        let items = try #require(try response.json()["dossiers"]).elements
        #expect(items.map { $0["property_id"]?.string } == ids)
        #expect(items[0]["http_status"]?.integer == 200)
        for item in items.dropFirst() {
            #expect(item["error"]?["type"]?.string == "urn:exchange-gateway:problem:batch-too-large")
            #expect(item["error"]?["status"]?.integer == 413)
            #expect(item["sources"] == nil)
        }
        let records = try AuditIntegrationTests.records(environment.gateway.config.audit)
        #expect(records.filter { $0["http_status"]?.integer == 413 }.count == 3)
        let built = environment.stubs[.land].receivedPaths
        #expect(!built.contains { $0.hasSuffix("LA2023003") || $0.hasSuffix("LA2023004") }, "items after the first that did not fit were built: \(built)")
    }

    /// Refusals of the whole batch are problem+json with the status and type that say why.
    @Test(arguments: [
        (#"{"property_ids": ["LA2023001", "bad id!"]}"#, ["Content-Type": "application/json"], 400, "invalid-property-id", "property_ids[1]"),
        (#"{"property_ids": []}"#, ["Content-Type": "application/json"], 400, "invalid-body", "1 to 100"),
        ("{\"property_ids\": [" + Array(repeating: "\"LA2023001\"", count: 101).joined(separator: ",") + "]}",
         ["Content-Type": "application/json"], 400, "invalid-body", "not 101"),
        (#"{"property_ids": ["LA2023001"]"#, ["Content-Type": "application/json"], 400, "invalid-body", "not valid JSON"),
        (#"["LA2023001"]"#, ["Content-Type": "application/json"], 400, "invalid-body", "JSON object"),
        (#"{"property_ids": ["LA2023001"], "extra": 1}"#, ["Content-Type": "application/json"], 400, "invalid-body", "extra"),
        (#"{"property_ids": "LA2023001"}"#, ["Content-Type": "application/json"], 400, "invalid-body", "array"),
        (#"{"property_ids": ["LA2023001"], "sources": ["court"]}"#, ["Content-Type": "application/json"], 400, "invalid-parameter", "court"),
        (#"{"property_ids": ["LA2023001"], "sources": "land"}"#, ["Content-Type": "application/json"], 400, "invalid-body", "sources"),
        (#"{"property_ids": ["LA2023001"]}"#, ["Content-Type": "text/plain"], 415, "unsupported-media-type", "application/json"),
        (#"{"property_ids": ["LA2023001"]}"#, [:], 415, "unsupported-media-type", "application/json"),
        (#"{"property_ids": ["LA2023001"]}"#, ["Content-Type": "application/json", "X-Purpose": ""], 400, "missing-purpose", "X-Purpose"),
        (#"{"property_ids": ["LA2023001"]}"#, ["Content-Type": "application/json", "Authorization": "Bearer nope"], 401, "unauthorized", "not valid"),
    ] as [(String, [String: String], Int, String, String)])
    func refusals(_ body: String, _ headers: [String: String], _ status: Int, _ kind: String, _ detail: String) async throws {
        let environment = try await TestEnvironment.shared()
        var sent = TestEnvironment.credentials().merging(headers) { $1 }
        if sent["X-Purpose"] == "" { sent["X-Purpose"] = nil }
        let response = try await environment.post(Self.path, body: body, headers: sent)
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "application/problem+json; charset=utf-8")
        let problem = try response.json()
        #expect(problem["type"]?.string == "urn:exchange-gateway:problem:" + kind)
        #expect(problem["detail"]?.string?.contains(detail) == true, "\(problem["detail"]?.string ?? "")")
    }

    /// `application/json; charset=utf-8` is accepted, as is any case of the media type.
    @Test(arguments: ["application/json; charset=utf-8", "Application/JSON"])
    func contentTypeParameters(_ contentType: String) async throws {
        let environment = try await TestEnvironment.shared()
        let response = try await environment.post(Self.path, body: #"{"property_ids": ["LA2023001"]}"#,
                                                  headers: TestEnvironment.credentials().merging(["Content-Type": contentType]) { $1 })
        #expect(response.status == 200)
    }

    /// Only POST is served; a body over max_body_bytes is 413.
    @Test func methodAndSize() async throws {
        let environment = try await TestEnvironment.shared()
        let get = try await environment.get(Self.path)
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
        let huge = #"{"property_ids": ["LA2023001"], "padding": ""# + String(repeating: "x", count: 70_000) + "\"}"
        #expect(try await environment.post(Self.path, body: huge).status == 413)
    }
}
