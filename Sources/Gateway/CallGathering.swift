import GatewayCore
import Synchronization

/// The upstream calls of one dossier when they start at different moments (each as its
/// department's bulkhead grants a permit), waited for through one continuation.
///
/// Under overload thousands of dossiers wait for permits at once; a task per waiting call
/// would cost each of them memory and wake-ups, where this costs an entry in the bulkhead's
/// queue. The continuation is resumed once, by whoever settles the last call.
final class CallGathering: Sendable {
    /// What became of one call that was made: the request as sent and what the transport saw.
    struct Answer: Sendable {
        let request: UpstreamRequest
        let report: TransferReport
    }

    private let answers: Mutex<GatheredResults<Answer?>>
    private let continuation: CheckedContinuation<[Answer?], Never>

    /// - Parameter continuation: resumed with one entry per call, `nil` for a call that got no permit.
    init(count: Int, continuation: CheckedContinuation<[Answer?], Never>) {
        answers = Mutex(GatheredResults(count: count))
        self.continuation = continuation
        if count == 0 { continuation.resume(returning: []) }
    }

    /// The call at `index` got no permit before its deadline and was not made.
    func refused(_ index: Int) {
        settle([(index, nil)])
    }

    /// The calls at `indices` were made together as `requests` and ended as `reports` say.
    func finished(_ indices: [Int], requests: [UpstreamRequest], reports: [TransferReport]) {
        settle(zip(indices, zip(requests, reports)).map { index, made in
            (index, Answer(request: made.0, report: made.1))
        })
    }

    private func settle(_ settled: [(index: Int, answer: Answer?)]) {
        let complete = answers.withLock { answers -> [Answer?]? in
            var complete: [Answer?]?
            for (index, answer) in settled { complete = answers.fill(index, with: answer) }
            return complete
        }
        if let complete { continuation.resume(returning: complete) }
    }
}
