import GatewayCore

/// The transfers started together (one dossier's): their reports are gathered as each ends, and
/// whoever waits for them is told once, when the last one is done.
// @unchecked: `reports` is touched only by the completions of this batch's transfers, one at a
// time: the batch is submitted in one piece, so either the loop thread completes every transfer,
// or, when the loop has stopped, `submit` completes them all on the calling thread.
final class TransferBatch: @unchecked Sendable {
    private var reports: GatheredResults<TransferReport>
    private let whenEachEnds: (@Sendable (Int) -> Void)?
    private let completion: @Sendable ([TransferReport]) -> Void

    init(count: Int, whenEachEnds: (@Sendable (Int) -> Void)?, completion: @escaping @Sendable ([TransferReport]) -> Void) {
        reports = GatheredResults(count: count)
        self.whenEachEnds = whenEachEnds
        self.completion = completion
        if count == 0 { completion([]) }
    }

    func transfers(for calls: [UpstreamCall]) -> [Transfer] {
        calls.indices.map { Transfer(calls[$0], batch: self, index: $0) }
    }

    func finish(_ index: Int, _ report: TransferReport) {
        whenEachEnds?(index)
        if let all = reports.fill(index, with: report) { completion(all) }
    }
}
