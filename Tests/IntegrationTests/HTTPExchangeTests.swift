import Dispatch
import EventLoop
import HTTPServer
import Testing

/// The server's exchange handlers (README "Architecture"): a request is decided on the event loop
/// that read it, answered at once, by a task on that loop, or later from anywhere; a request
/// waiting with no task is told when the server stops, and lets go of what it held once answered.
struct HTTPExchangeTests {
    /// Notes when it is freed: what a parked request's handler held.
    private final class Held: Sendable {
        let freed: Collected<Void>

        init(_ freed: Collected<Void>) { self.freed = freed }
        deinit { freed.add(()) }
    }

    private static func ok(_ text: String) -> HTTPReply {
        .respond(HTTPResponse(status: 200, contentType: "text/plain", body: Array(text.utf8)))
    }

    /// A reply given inside the handler goes out without a task; a task started by `run` runs on
    /// the loop that read the request, also after awaiting something another thread finished.
    @Test func answersAtOnceOrInATaskOnTheRequestsLoop() async throws {
        let server = try HTTPServer(configuration: .init(), exchangeHandler: { request, exchange in
            guard request.path == "/task" else { return exchange.reply(Self.ok("at once")) }
            exchange.run {
                let before = EventLoop.current === exchange.loop
                try? await Task.sleep(for: .milliseconds(10))
                let after = EventLoop.current === exchange.loop
                return Self.ok("\(before) \(after)")
            }
        })
        #expect(try await httpGet(server.port, "/").bodyText == "at once")
        #expect(try await httpGet(server.port, "/task").bodyText == "true true")
        await server.shutdown(gracePeriod: .zero)
    }

    /// A handler that returns without a reply leaves its connection waiting, with no task, until
    /// another thread replies; what it held for that (its cancel handler, which answers through the
    /// exchange that keeps it) is let go once answered.
    @Test func parkedRequestIsAnsweredLaterAndLetsGo() async throws {
        let freed = Collected<Void>()
        let server = try HTTPServer(configuration: .init(), exchangeHandler: { _, exchange in
            let held = Held(freed)
            exchange.onCancel { _ = held; exchange.reply(.respond(HTTPResponse(status: 503))) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { exchange.reply(Self.ok("later")) }
        })
        #expect(try await httpGet(server.port, "/").bodyText == "later")
        let giveUp = ContinuousClock.now + .seconds(5)
        while freed.count == 0, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(freed.count == 1, "the answered request still holds its cancel handler")
        await server.shutdown(gracePeriod: .zero)
    }

    /// When the server stops, a request waiting with no task is told (`onCancel`) and its answer
    /// still goes out: it did not overrun.
    @Test func stoppingTellsAParkedRequest() async throws {
        let parked = Collected<Void>()
        let server = try HTTPServer(configuration: .init(), exchangeHandler: { _, exchange in
            exchange.onCancel { exchange.run { .respond(HTTPResponse(status: 503, headers: [("Connection", "close")])) } }
            parked.add(())
        })
        let waiting = Task { try await httpGet(server.port, "/") }
        let giveUp = ContinuousClock.now + .seconds(5)
        while parked.count == 0, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(5))
        }
        let overran = await server.shutdown(gracePeriod: .milliseconds(200))
        #expect(overran == 0)
        #expect(try await waiting.value.status == 503)
    }
}
