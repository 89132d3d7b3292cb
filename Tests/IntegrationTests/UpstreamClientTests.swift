import DepartmentStubs
import GatewayCore
import HTTPServer
import Testing
import UpstreamClient

/// The upstream client on its own, against a slow stub department: coalescing never makes a call
/// wait past its own timeout, and stopping completes everything that was handed to it.
@Suite(.endsWhatItStarts) struct UpstreamClientTests {
    /// The land department answering after `latency`.
    private static func slowLand(_ latency: Duration) async throws -> DepartmentStubs {
        try await DepartmentStubs(fixtures: TestEnvironment.fixtures(), latency: [.land: latency])
    }

    /// A call to the land department with a 1500 ms timeout, or the deadline `deadlineMs` from now.
    private static func request(to stubs: DepartmentStubs, deadlineMs: Int? = nil) -> UpstreamRequest {
        UpstreamRequest(source: "land", url: "http://127.0.0.1:\(stubs[.land].port)/land/LA2023001", timeoutMs: 1500,
                        connectTimeoutMs: 300, maxResponseBytes: 1 << 20,
                        deadline: deadlineMs.map { Deadline(milliseconds: $0, after: .now) })
    }

    /// A request with 200 ms does not wait for an identical 1500 ms call to a department that takes
    /// 800 ms: it times out on its own after about 200 ms. A later 1500 ms request still shares
    /// the first call, so the department is called twice, not three times.
    @Test func joiningNeverOutlastsTheOwnTimeout() async throws {
        let stubs = try await Self.slowLand(.milliseconds(800))
        let client = UpstreamClient()
        defer { client.shutdown() }
        let long = Task { await client.fetch(Self.request(to: stubs)) }
        try await Task.sleep(for: .milliseconds(50))
        let short = Task { await client.fetch(Self.request(to: stubs, deadlineMs: 200)) }
        try await Task.sleep(for: .milliseconds(50))
        let sharing = Task { await client.fetch(Self.request(to: stubs)) }

        let shortOutcome = await short.value
        #expect(shortOutcome.status == .timeout)
        #expect(shortOutcome.endedByDeadline)
        #expect(shortOutcome.latencyMs >= 200 && shortOutcome.latencyMs < 600, "waited \(shortOutcome.latencyMs) ms")
        #expect(await long.value.status == .ok)
        #expect(await sharing.value.status == .ok)
        #expect(stubs[.land].receivedPaths.count == 2)
        await stubs.shutdown()
    }

    /// A request with a body is a POST that sends it as it is; identical POSTs in flight at once are
    /// each sent (never coalesced like GETs), and none is answered from the cache.
    @Test func postsSendTheirBodyAndAreNeverShared() async throws {
        let received = Collected<String>()
        let server = try HTTPServer(configuration: .init()) { request in
            received.add("\(request.method) \(request.header("Content-Type") ?? "") \(String(decoding: request.body, as: UTF8.self))")
            try? await Task.sleep(for: .milliseconds(200))
            return .respond(HTTPResponse(status: 204))
        }
        let client = UpstreamClient()
        defer { client.shutdown() }
        let request = UpstreamRequest(source: "witness", url: "http://127.0.0.1:\(server.port)/checkpoints", timeoutMs: 2000,
                                      connectTimeoutMs: 300, maxResponseBytes: 1024, headers: ["Content-Type: application/json"],
                                      cacheTTLMs: 60_000, body: Array(#"{"seq":7}"#.utf8))
        async let first = client.fetch(request)
        async let second = client.fetch(request)
        #expect(await [first.httpStatus, second.httpStatus] == [204, 204])
        #expect(await client.fetch(request).httpStatus == 204)
        #expect(received.all == Array(repeating: #"POST application/json {"seq":7}"#, count: 3))
        await server.shutdown(gracePeriod: .zero)
    }

    /// A request that joined a call cut short by another dossier's deadline is made again with the
    /// time it has left, and gets the department's answer instead of that dossier's timeout.
    @Test func deadlineCutCallIsMadeAgainForItsFollowers() async throws {
        let stubs = try await Self.slowLand(.milliseconds(600))
        let client = UpstreamClient()
        defer { client.shutdown() }
        let cut = Task { await client.fetch(Self.request(to: stubs, deadlineMs: 300)) }
        try await Task.sleep(for: .milliseconds(100))
        let follower = Task { await client.fetch(Self.request(to: stubs)) }

        let cutOutcome = await cut.value
        #expect(cutOutcome.status == .timeout)
        #expect(cutOutcome.endedByDeadline)
        let followerOutcome = await follower.value
        #expect(followerOutcome.status == .ok, "\(followerOutcome.error ?? "")")
        #expect(followerOutcome.latencyMs >= 600 && followerOutcome.latencyMs < 1500, "took \(followerOutcome.latencyMs) ms")
        #expect(stubs[.land].receivedPaths.count == 2)
        await stubs.shutdown()
    }

    /// Transfers handed over just before `shutdown` are completed, not dropped; a second
    /// `shutdown` is harmless, and a transfer handed over afterwards fails at once.
    @Test func shutdownCompletesEverythingHandedOver() async throws {
        let stubs = try await Self.slowLand(.milliseconds(500))
        let completed = Collected<Void>()
        let rounds = 20
        for _ in 0..<rounds {
            let client = UpstreamClient()
            let call = UpstreamCall(request: Self.request(to: stubs), template: SourceTemplate(request: Self.request(to: stubs)))
            client.start([call, call]) { results in
                if results.allSatisfy({ if case .failure(.other) = $0.result { true } else { false } }) {
                    completed.add(())
                }
            }
            client.shutdown()
            client.shutdown()
            let after = await client.fetch(Self.request(to: stubs))
            #expect(after.status == .unavailable)
            #expect(after.error?.contains("shut down") == true)
        }
        for _ in 0..<100 where completed.count < rounds {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(completed.count == rounds)
        await stubs.shutdown()
    }
}
