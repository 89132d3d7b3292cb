import CCurl
import CLinux
import DepartmentStubs
import EventLoop
import Glibc
import GatewayCore
import HTTPServer
import Testing
@testable import UpstreamClient

/// How the transfer thread uses libcurl: handles from a source's template with each call's own
/// header lines, eventfd writes only while the thread sleeps, and epoll registrations that
/// survive keep-alive reuse but never a closed socket.
@Suite(.endsWhatItStarts) struct UpstreamTransportTests {
    private static func land(_ stubs: DepartmentStubs, id: String = "LA2023001", headers: [String] = []) -> UpstreamRequest {
        UpstreamRequest(source: "land", url: "http://127.0.0.1:\(stubs[.land].port)/land/\(id)", timeoutMs: 1500,
                        connectTimeoutMs: 300, maxResponseBytes: 1 << 20, headers: headers)
    }

    /// The lines of a list as libcurl reads them, following `next`.
    private static func lines(_ list: UnsafeMutablePointer<curl_slist>?) -> [String] {
        var lines: [String] = []
        var node = list
        while let current = node {
            lines.append(String(cString: current.pointee.data))
            node = current.pointee.next
        }
        return lines
    }

    /// A call's own lines come first, then the template's constant ones; a later call's lines
    /// replace them, whether there are more, longer, fewer or none.
    @Test func headerLinesGoInFrontOfTheConstantOnes() throws {
        let constant = try #require(curl_slist_append(curl_slist_append(nil, "Accept: application/json"), "User-Agent: test"))
        defer { curl_slist_free_all(constant) }
        let headerLines = HeaderLines(nodeCapacity: 1, textCapacity: 8)
        let calls = [["a: 1"], ["traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "X-Request-Id: 42"], ["b: 2"], []]
        for call in calls {
            #expect(Self.lines(headerLines.list(call, then: constant)) == call + ["Accept: application/json", "User-Agent: test"])
        }
        #expect(headerLines.list([], then: constant) == constant)
    }

    /// Calls made one after another with one template reuse its handle; each carries its own
    /// trace and request id to the department, the ids growing and shrinking, and none at the end.
    @Test func eachCallSendsItsOwnHeadersOnAReusedHandle() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        let client = UpstreamClient()
        defer { client.shutdown() }
        let template = SourceTemplate(request: Self.land(stubs))
        let requestIDs = ["r-1", "a-much-longer-request-id-" + String(repeating: "x", count: 300), "r-3", nil]
        let traceparents = requestIDs.indices.map { "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b\($0)-01" }
        for (requestID, traceparent) in zip(requestIDs, traceparents) {
            let headers = ["traceparent: \(traceparent)"] + (requestID.map { ["X-Request-Id: \($0)"] } ?? [])
            let outcome = await client.fetchAll([UpstreamCall(request: Self.land(stubs, headers: headers), template: template)])[0]
            #expect(outcome.status == .ok, "\(outcome.error ?? "")")
        }
        let received = stubs[.land].receivedRequests
        #expect(received.map(\.requestID) == requestIDs)
        #expect(received.map(\.traceparent) == traceparents)
        await stubs.shutdown()
    }

    /// A call may differ from its template in method and body: a POST sends its body, two
    /// identical POSTs in flight are both sent (never shared like GETs), and a GET after them with
    /// the same template is a GET without a body, not a POST on a reused handle.
    @Test func postsDifferFromTheTemplateWithoutLeavingTraces() async throws {
        let received = Collected<String>()
        let server = try HTTPServer(configuration: .init()) { request in
            received.add("\(request.method) \(String(decoding: request.body, as: UTF8.self))")
            try? await Task.sleep(for: .milliseconds(100))
            return .respond(HTTPResponse(status: 204))
        }
        let client = UpstreamClient()
        defer { client.shutdown() }
        let get = UpstreamRequest(source: "witness", url: "http://127.0.0.1:\(server.port)/checkpoints", timeoutMs: 2000,
                                  connectTimeoutMs: 300, maxResponseBytes: 1024)
        var post = get
        post.headers = ["Content-Type: application/json"]
        post.body = Array(#"{"seq":7}"#.utf8)
        let template = SourceTemplate(request: get)
        let posts = await client.fetchAll([UpstreamCall(request: post, template: template), UpstreamCall(request: post, template: template)])
        #expect(posts.map(\.httpStatus) == [204, 204])
        #expect(await client.fetchAll([UpstreamCall(request: get, template: template)])[0].httpStatus == 204)
        #expect(received.all == [#"POST {"seq":7}"#, #"POST {"seq":7}"#, "GET "])
        _ = await server.shutdown(gracePeriod: .zero)
    }

    /// A call submitted while the transfer thread is awake (here from a completion, which runs on
    /// it) is picked up before the thread sleeps, without an eventfd write: a chain of calls
    /// costs at most the one write that woke the thread for the first.
    @Test func noWakeupWriteWhileTheLoopIsAwake() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        let client = UpstreamClient()
        defer { client.shutdown() }
        let call = UpstreamCall(request: Self.land(stubs), template: SourceTemplate(request: Self.land(stubs)))
        let rounds = 20
        let okCalls = Collected<Void>()
        let writesBefore = client.wakeCounts.writes
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            @Sendable func callAgain(_ left: Int) {
                client.start([call]) { reports in
                    if case .response(200, _) = reports[0].result { okCalls.add(()) }
                    if left == 1 { continuation.resume() } else { callAgain(left - 1) }
                }
            }
            callAgain(rounds)
        }
        let writes = client.wakeCounts.writes - writesBefore
        #expect(okCalls.count == rounds)
        #expect(writes <= 1, "\(writes) eventfd writes for \(rounds) calls chained on the transfer thread")
        await stubs.shutdown()
    }

    /// A department that closes connections makes libcurl close sockets whose descriptor numbers
    /// come back for the next connections: each closed socket left the epoll set first, so no new
    /// socket is taken for one still registered and left unwatched (its call would hang).
    @Test func closedSocketsLeaveTheEpollSetBeforeTheirNumbersComeBack() async throws {
        let stubs = try await DepartmentStubs(fixtures: TestEnvironment.fixtures())
        let client = UpstreamClient()
        defer { client.shutdown() }
        let template = SourceTemplate(request: Self.land(stubs))
        for _ in 0..<20 {
            let dropped = await client.fetchAll([UpstreamCall(request: Self.land(stubs, id: Fault.reset.propertyID(for: .land)), template: template)])[0]
            #expect(dropped.status == .unavailable)
            let answered = await client.fetchAll([UpstreamCall(request: Self.land(stubs), template: template)])[0]
            #expect(answered.status == .ok, "\(answered.error ?? "")")
            #expect(answered.latencyMs < 1000, "took \(answered.latencyMs) ms")
        }
        await stubs.shutdown()
    }

    /// The descriptors epoll reports ready within 100 ms.
    private static func ready(_ epoll: Int32) -> Set<Int32> {
        var events = [epoll_event](repeating: epoll_event(), count: 8)
        let count = epoll_wait(epoll, &events, 8, 100)
        return Set(events.prefix(max(0, Int(count))).map(\.data.fd))
    }

    private static func signal(_ descriptor: Int32) {
        var one: UInt64 = 1
        _ = write(descriptor, &one, 8)
    }

    /// The registrations themselves, with eventfds standing in for connections' sockets: one for
    /// reading stays when libcurl stops watching, and goes at the first event after; a dropped and
    /// closed descriptor whose number comes back is registered anew when libcurl watches it, also
    /// for reading, the interest it had before.
    @Test func registrationsOutliveWatchingButNotTheirDescriptor() throws {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        defer { close(epoll) }
        var sockets = EpollRegistrations(epollSet: EpollSet(descriptor: epoll, tag: 0))
        let idle = eventfd(0, Int32(EFD_NONBLOCK))
        defer { close(idle) }
        sockets.opened(idle)
        sockets.watch(idle, events: EPOLLIN.rawValue)
        sockets.unwatch(idle)
        Self.signal(idle)
        #expect(Self.ready(epoll) == [idle], "kept while unwatched")
        let idleWatched = sockets.isWatched(idle)
        #expect(!idleWatched)
        #expect(Self.ready(epoll).isEmpty, "dropped at its first event")

        let closing = eventfd(0, Int32(EFD_NONBLOCK))
        sockets.opened(closing)
        sockets.watch(closing, events: EPOLLIN.rawValue)
        sockets.unwatch(closing)
        sockets.drop(closing)
        close(closing)
        let reused = eventfd(0, Int32(EFD_NONBLOCK))
        defer { close(reused) }
        #expect(reused == closing, "the number came back")
        sockets.opened(reused)
        sockets.watch(reused, events: EPOLLIN.rawValue)
        Self.signal(reused)
        #expect(Self.ready(epoll) == [reused])
        let reusedWatched = sockets.isWatched(reused)
        #expect(reusedWatched)
    }

    /// A socket libcurl watches that is not a connection's (the threaded resolver's socketpair,
    /// which libcurl closes by itself right after it stops watching, without the close callback)
    /// leaves the set when unwatched: a later socket that gets its number and is watched for
    /// reading, as the next lookup's socketpair is, is registered, not taken for the closed one.
    @Test func socketThatIsNoConnectionLeavesTheSetWhenUnwatched() throws {
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        defer { close(epoll) }
        var sockets = EpollRegistrations(epollSet: EpollSet(descriptor: epoll, tag: 0))
        let lookup = eventfd(0, Int32(EFD_NONBLOCK))
        sockets.watch(lookup, events: EPOLLIN.rawValue)
        sockets.unwatch(lookup)
        close(lookup)
        let nextLookup = eventfd(0, Int32(EFD_NONBLOCK))
        defer { close(nextLookup) }
        #expect(nextLookup == lookup, "the number came back")
        sockets.watch(nextLookup, events: EPOLLIN.rawValue)
        Self.signal(nextLookup)
        #expect(Self.ready(epoll) == [nextLookup])
    }

    /// An idle keep-alive connection its department closes (here after its 1 s connection
    /// timeout) leaves the epoll set when it turns readable: the transfer thread does not wake
    /// for it again and again while idle, and the next call gets a new connection.
    @Test func idleConnectionClosedByTheDepartmentIsDropped() async throws {
        let server = try HTTPServer(configuration: .init(connectionTimeoutSeconds: 1)) { _ in
            .respond(HTTPResponse(status: 200, contentType: "application/json", body: Array(#"{"ok":true}"#.utf8)))
        }
        let client = UpstreamClient()
        defer { client.shutdown() }
        let request = UpstreamRequest(source: "land", url: "http://127.0.0.1:\(server.port)/land/LA2023001", timeoutMs: 1500,
                                      connectTimeoutMs: 300, maxResponseBytes: 1 << 20)
        #expect(await client.fetch(request).status == .ok)
        // libmicrohttpd looks at connection timeouts about once a second.
        try await Task.sleep(for: .milliseconds(2500))
        let wakeUpsBefore = client.wakeCounts.wakeUps
        try await Task.sleep(for: .seconds(1))
        let wakeUps = client.wakeCounts.wakeUps - wakeUpsBefore
        #expect(wakeUps <= 3, "the idle transfer thread woke \(wakeUps) times in a second")
        #expect(await client.fetch(request).status == .ok)
        _ = await server.shutdown(gracePeriod: .zero)
    }
}
