import Testing
import GatewayCore
import GatewayJSON

struct SourceOutcomeMappingTests {
    static let request = UpstreamRequest(source: "land", url: "http://127.0.0.1:9101/land/LA2023001",
                                         timeoutMs: 1500, connectTimeoutMs: 300, maxResponseBytes: 1_048_576)

    static func outcome(_ status: Int, _ body: String, request: UpstreamRequest = request) -> SourceOutcome {
        SourceOutcome(request: request, result: .response(status: status, body: Array(body.utf8)), latencyMs: 41)
    }

    /// True if any run of at least `minimum` bytes of `body` appears in `text`.
    static func leaks(_ body: String, into text: String, minimum: Int = 4) -> Bool {
        let body = Array(body.utf8), text = Array(text.utf8)
        guard body.count >= minimum, text.count >= minimum else { return false }
        for start in 0...(body.count - minimum) {
            let needle = body[start..<(start + minimum)]
            for offset in 0...(text.count - minimum) where text[offset..<(offset + minimum)].elementsEqual(needle) {
                return true
            }
        }
        return false
    }

    /// A 2xx answer with a JSON object is ok, keeping the data, status and latency.
    @Test(arguments: [200, 201])
    func jsonObjectIsOK(_ status: Int) throws {
        let outcome = Self.outcome(status, #"{"owner":"张三","area":89.7}"#)
        #expect(outcome.status == .ok)
        #expect(outcome.httpStatus == status)
        #expect(outcome.latencyMs == 41)
        #expect(outcome.error == nil)
        #expect(outcome.data == Array(#"{"owner":"张三","area":89.7}"#.utf8))
    }

    /// The one size limit a department's answer has is `max_response_bytes`, also when the body reaches the
    /// scanner longer than that (the transport stops reading past it first).
    @Test func oversizedBodyIsInvalidResponse() throws {
        let request = UpstreamRequest(source: "land", url: "http://127.0.0.1:9101/land/LA2023001", timeoutMs: 1500, connectTimeoutMs: 300,
                                      maxResponseBytes: 16)
        let outcome = Self.outcome(200, #"{"owner":"张三","area":89.7}"#, request: request)
        #expect(outcome.status == .invalidResponse)
        #expect(outcome.error == "the department's answer is larger than 16 bytes")
    }

    /// A refused body is named by where it broke a rule, as the console reads it (README, per-source status).
    @Test func invalidBodyNamesLineAndColumn() {
        let outcome = Self.outcome(200, "{\n  \"owner\": 张三}")
        #expect(outcome.error == "the department's answer is not valid JSON (line 2, column 12)")
        #expect(Self.outcome(200, #"["张三"]"#).error == "the department's answer is JSON but not an object")
    }

    /// A 2xx answer that is not a JSON object is invalid_response, with no data.
    @Test(arguments: [
        #"{"owner":"张三","id_card":"340102199001011234""#,
        #"{"owner":"张三","id_card":"340102199001011234"#,
        #"{"owner": 张三}"#,
        #"["张三","340102199001011234"]"#,
        #"{"owner":"张三","owner":"李四"}"#,
        #"{"a":1,"a":2}"#,
        "<html><body>张三 内部错误</body></html>",
        #""张三""#,
        "",
    ])
    func nonObjectIsInvalidResponse(_ body: String) throws {
        let outcome = Self.outcome(200, body)
        #expect(outcome.status == .invalidResponse)
        #expect(outcome.data == nil)
        #expect(outcome.httpStatus == 200)
        let error = try #require(outcome.error)
        #expect(!error.isEmpty)
        #expect(!error.contains("张"))
        #expect(!Self.leaks(body, into: error))
    }

    /// Invalid UTF-8 in a 200 body is invalid_response, not a crash or a pass-through.
    @Test func invalidUTF8IsInvalidResponse() {
        let body: [UInt8] = Array(#"{"owner":""#.utf8) + [0xE5, 0xBC] + Array(#""}"#.utf8)
        let outcome = SourceOutcome(request: Self.request, result: .response(status: 200, body: body), latencyMs: 1)
        #expect(outcome.status == .invalidResponse)
        #expect(outcome.data == nil)
    }

    /// 404 is not_found, whatever the body says.
    @Test(arguments: ["", #"{"error":"张三 not found"}"#])
    func notFound(_ body: String) throws {
        let outcome = Self.outcome(404, body)
        #expect(outcome.status == .notFound)
        #expect(outcome.httpStatus == 404)
        #expect(outcome.data == nil)
        let error = try #require(outcome.error)
        #expect(!error.isEmpty && !error.contains("张"))
    }

    /// Any other non-2xx status is upstream_error naming the status, never quoting the body.
    @Test(arguments: [500, 502, 503, 302, 400, 401, 429, 100])
    func nonSuccessIsUpstreamError(_ status: Int) throws {
        let body = #"<html>Internal error for 张三 at /srv/app.py line 12</html>"#
        let outcome = Self.outcome(status, body)
        #expect(outcome.status == .upstreamError)
        #expect(outcome.httpStatus == status)
        #expect(outcome.data == nil)
        let error = try #require(outcome.error)
        #expect(error.contains(String(status)))
        #expect(!Self.leaks(body, into: error))
    }

    /// Each transfer failure maps to the SPEC §2 status, without an HTTP status or data.
    @Test(arguments: [
        (TransferFailure.timedOut, SourceStatus.timeout),
        (.connectTimedOut, .unavailable),
        (.connectionRefused, .unavailable),
        (.hostNotFound, .unavailable),
        (.closedWithoutResponse, .unavailable),
        (.connectionReset, .unavailable),
        (.tlsFailed, .unavailable),
        (.responseTooLarge, .invalidResponse),
        (.other("Weird server reply"), .unavailable),
    ])
    func failureMapsToStatus(_ failure: TransferFailure, _ expected: SourceStatus) throws {
        let outcome = SourceOutcome(request: Self.request, result: .failure(failure), latencyMs: 1500)
        #expect(outcome.status == expected)
        #expect(outcome.latencyMs == 1500)
        #expect(outcome.httpStatus == nil)
        #expect(outcome.data == nil)
        let error = try #require(outcome.error)
        #expect(!error.isEmpty)
    }

    /// A source timeout names the source's ms and does not blame the deadline.
    @Test func timeoutMentionsMilliseconds() throws {
        let outcome = SourceOutcome(request: Self.request, result: .failure(.timedOut), latencyMs: 1500)
        let error = try #require(outcome.error)
        #expect(error.contains("1500 ms"))
        #expect(!error.contains("deadline"))
    }

    /// A timeout cut short by the dossier deadline says so and names the ms that were left.
    @Test func deadlineTimeoutMentionsDeadline() throws {
        let timeouts = TransferTimeouts(timeoutMs: 420, connectTimeoutMs: 300, timeoutSetByDeadline: true)
        let outcome = SourceOutcome(request: Self.request, result: .failure(.timedOut), latencyMs: 420, timeouts: timeouts)
        #expect(outcome.status == .timeout)
        let error = try #require(outcome.error)
        #expect(error.contains("420 ms"))
        #expect(error.contains("deadline"))
    }

    /// Only a timeout that used up a deadline-shortened budget is the deadline's doing; a
    /// department that timed out with its full budget, or failed to connect within its own
    /// connect timeout, or failed otherwise, is to blame. The cases: a 420 ms budget the
    /// deadline left (the connect timeout too, when less than 300 ms were left), or 1500 ms.
    @Test(arguments: [
        (420, 300, true, false, TransferFailure.timedOut, true),
        (200, 200, true, true, .connectTimedOut, true),
        (420, 300, true, false, .connectTimedOut, false),
        (1500, 300, false, false, .timedOut, false),
        (420, 300, true, false, .connectionRefused, false),
    ])
    func endedByDeadline(_ timeoutMs: Int, _ connectMs: Int, _ limited: Bool, _ connectLimited: Bool,
                         _ failure: TransferFailure, _ expected: Bool) {
        let timeouts = TransferTimeouts(timeoutMs: timeoutMs, connectTimeoutMs: connectMs, timeoutSetByDeadline: limited,
                                        connectTimeoutSetByDeadline: connectLimited)
        let outcome = SourceOutcome(request: Self.request, result: .failure(failure), latencyMs: timeoutMs, timeouts: timeouts)
        #expect(outcome.endedByDeadline == expected)
    }

    /// Connect timeouts and oversized answers name the limit that was hit.
    @Test func limitsAreNamed() throws {
        let connect = SourceOutcome(request: Self.request, result: .failure(.connectTimedOut), latencyMs: 300)
        #expect(try #require(connect.error).contains("300 ms"))
        let huge = SourceOutcome(request: Self.request, result: .failure(.responseTooLarge), latencyMs: 90)
        #expect(try #require(huge.error).contains("1048576"))
    }
}
