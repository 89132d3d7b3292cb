import GatewayJSON

extension SourceOutcome {
    /// Interprets what the transport reported about `request` as a source status, an answer's
    /// body read as `reading` says.
    public init(request: UpstreamRequest, report: TransferReport, reading: SourceReading = .asSent) {
        self.init(request: request, result: report.result, latencyMs: report.elapsed.wholeMilliseconds, timeouts: report.timeouts,
                  reading: reading)
    }

    /// Interprets a transfer as the SPEC's source status, with a short error for the clerk.
    /// An answer's body is validated and served in one pass here (`ViewWriter`), never quoted.
    /// - Parameters:
    ///   - timeouts: what the call ran with; the request's own timeouts when not given.
    ///   - reading: the caller's view of the source and the values the checks capture.
    public init(request: UpstreamRequest, result: TransferResult, latencyMs: Int, timeouts: TransferTimeouts? = nil,
                reading: SourceReading = .asSent) {
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
            self.init(status: .ok, latencyMs: latencyMs, httpStatus: httpStatus)
            if let error = serve(body, maxBytes: request.maxResponseBytes, reading: reading) {
                self = SourceOutcome(status: .invalidResponse, latencyMs: latencyMs, httpStatus: httpStatus, error: error)
            }
        }
    }

    /// Validates `body`, serving it as `reading` says into this outcome's data, withheld list,
    /// drift and check values; the error for the clerk when it is no JSON object.
    private mutating func serve(_ body: [UInt8], maxBytes: Int, reading: SourceReading) -> String? {
        body.withUnsafeBytes { body -> String? in
            var writer = ViewWriter(reading: reading, body: body)
            do throws(JSONScanError) {
                try JSONScanner.scan(body, maxBytes: maxBytes, into: &writer)
            } catch {
                // The message the console translates (README, per-source status): where, never what.
                return error.reason == .tooLarge ? "the department's answer is larger than \(maxBytes) bytes"
                    : "the department's answer is not valid JSON (line \(error.line), column \(error.column))"
            }
            guard !writer.bodyIsArray else { return "the department's answer is JSON but not an object" }
            withheld = writer.result.withheld
            drift = writer.result.drift
            checkValues = writer.checkValues
            data = writer.takeData()
            return nil
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
