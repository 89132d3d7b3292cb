import GatewayJSON

extension SourceOutcome {
    /// Interprets what the transport reported about `request` as a source status.
    public init(request: UpstreamRequest, report: TransferReport) {
        self.init(request: request, result: report.result, latencyMs: report.elapsed.wholeMilliseconds, timeouts: report.timeouts)
    }

    /// Interprets a transfer as the SPEC's source status, with a short error for the clerk.
    /// Upstream bodies are parsed here, never quoted.
    /// - Parameter timeouts: what the call ran with; the request's own timeouts when not given.
    public init(request: UpstreamRequest, result: TransferResult, latencyMs: Int, timeouts: TransferTimeouts? = nil) {
        switch result {
        case .failure(let failure):
            let timeouts = timeouts ?? request.ownTimeouts
            let (status, error) = Self.describe(failure, of: request, timeouts: timeouts)
            self.init(status: status, latencyMs: latencyMs, error: error)
            transferFailure = failure
            endedByDeadline = timeouts.cutByDeadline(failure)
        case .response(let httpStatus, _) where httpStatus == 404:
            self.init(status: .notFound, latencyMs: latencyMs, httpStatus: httpStatus,
                      error: "the department has no record of this property")
        case .response(let httpStatus, _) where !(200...299).contains(httpStatus):
            self.init(status: .upstreamError, latencyMs: latencyMs, httpStatus: httpStatus,
                      error: "the department answered HTTP \(httpStatus)")
        case .response(let httpStatus, let body):
            do {
                let data = try JSON.parse(body)
                if data.kind == .object {
                    self.init(status: .ok, latencyMs: latencyMs, httpStatus: httpStatus, data: data)
                } else {
                    self.init(status: .invalidResponse, latencyMs: latencyMs, httpStatus: httpStatus,
                              error: "the department's answer is JSON but not an object")
                }
            } catch {
                self.init(status: .invalidResponse, latencyMs: latencyMs, httpStatus: httpStatus,
                          error: "the department's answer is not valid JSON (line \(error.line), column \(error.column))")
            }
        }
    }

    private static func describe(_ failure: TransferFailure, of request: UpstreamRequest,
                                 timeouts: TransferTimeouts) -> (SourceStatus, String) {
        switch failure {
        case .timedOut where timeouts.timeoutSetByDeadline:
            (.timeout, "no response within the dossier deadline (\(timeouts.timeoutMs) ms left)")
        case .timedOut:
            (.timeout, "no response within \(timeouts.timeoutMs) ms")
        case .connectTimedOut:
            (.unavailable, "could not connect within \(timeouts.connectTimeoutMs) ms")
        case .connectionRefused:
            (.unavailable, "connection refused")
        case .hostNotFound:
            (.unavailable, "the department's host name could not be resolved")
        case .closedWithoutResponse:
            (.unavailable, "the department closed the connection without answering")
        case .connectionReset:
            (.unavailable, "the connection was reset")
        case .tlsFailed:
            (.unavailable, "TLS handshake or certificate check failed")
        case .responseTooLarge:
            (.invalidResponse, "the department's answer is larger than \(request.maxResponseBytes) bytes")
        case .other(let reason):
            (.unavailable, "transfer failed: \(reason)")
        }
    }
}
