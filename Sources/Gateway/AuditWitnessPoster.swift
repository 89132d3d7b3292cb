import GatewayCore
import Synchronization
import UpstreamClient

/// POSTs each signed checkpoint line to `audit.witness_url` through the upstream client's curl
/// loop, as a second witness beside `audit.witness_file`. A failing witness never blocks
/// dossiers: each POST ends within `audit.witness_timeout_ms`, failures are counted
/// (`exchange_gateway_audit_witness_posts_total{outcome}`, `exchange_gateway_audit_witness_up`),
/// shown in `/readyz`'s detail, and logged when the witness starts or stops failing.
final class AuditWitnessPoster: Sendable {
    /// At most this many POSTs at once; a checkpoint beyond them is counted as failed, so a
    /// witness that hangs cannot pile up transfers.
    static let maxInFlight = 16

    enum Status: String {
        /// No checkpoint was POSTed yet.
        case pending
        case ok
        case failing
    }

    private struct State {
        var inFlight = 0
        var status = Status.pending
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private let url: String
    private let timeoutMs: Int
    /// The witness's libcurl options, set once: every POST goes to the same URL with the same limits.
    private let template: SourceTemplate
    private let client: UpstreamClient
    private let metrics: GatewayMetrics
    private let state = Mutex(State())

    init(url: String, timeoutMs: Int, client: UpstreamClient, metrics: GatewayMetrics) {
        self.url = url
        self.timeoutMs = timeoutMs
        template = SourceTemplate(request: Self.request(url: url, timeoutMs: timeoutMs, line: []))
        self.client = client
        self.metrics = metrics
    }

    var status: Status { state.withLock { $0.status } }

    /// Starts the POST of `line` (a checkpoint line, without newline) and returns at once.
    func post(_ line: [UInt8]) {
        let admitted = state.withLock { state in
            guard state.inFlight < Self.maxInFlight else { return false }
            state.inFlight += 1
            return true
        }
        guard admitted else { return finish(ok: false, reason: "\(Self.maxInFlight) POSTs to the witness are still running") }
        client.start([UpstreamCall(request: Self.request(url: url, timeoutMs: timeoutMs, line: line), template: template)]) { [self] reports in
            switch reports[0].result {
            case .response(let status, _) where (200...299).contains(status):
                finish(ok: true, reason: "")
            case .response(let status, _):
                finish(ok: false, reason: "HTTP \(status)")
            case .failure(let failure):
                finish(ok: false, reason: "\(failure)")
            }
            let waiters = state.withLock { state in
                state.inFlight -= 1
                guard state.inFlight == 0 else { return [CheckedContinuation<Void, Never>]() }
                defer { state.drained = [] }
                return state.drained
            }
            waiters.forEach { $0.resume() }
        }
    }

    /// The POST of one checkpoint line.
    private static func request(url: String, timeoutMs: Int, line: [UInt8]) -> UpstreamRequest {
        UpstreamRequest(source: "audit_witness", url: url, timeoutMs: timeoutMs, connectTimeoutMs: min(1000, timeoutMs),
                        maxResponseBytes: 64 << 10, headers: ["Content-Type: application/json"], body: line)
    }

    /// Returns once every POST started has ended (each within the witness timeout): the last
    /// checkpoint, written at shutdown, still reaches the witness before the curl loop stops.
    func drain() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard state.inFlight > 0 else { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func finish(ok: Bool, reason: String) {
        metrics.auditWitnessPosts.increment(labels: [ok ? "ok" : "failed"])
        metrics.auditWitnessUp.set(ok ? 1 : 0)
        let previous = state.withLock { state in
            defer { state.status = ok ? .ok : .failing }
            return state.status
        }
        if ok, previous == .failing {
            EventLog.info("the audit witness URL takes checkpoints again", ["url": url])
        } else if !ok, previous != .failing {
            EventLog.error("a checkpoint could not be POSTed to the audit witness URL; dossiers go on", ["url": url, "reason": reason])
        }
    }
}
