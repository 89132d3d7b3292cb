import GatewayCore

/// The transfers of one dossier: their results are gathered as each ends, and whoever waits for
/// them is told once, when the last one is done.
// @unchecked: `results` is touched only by the completions of this batch's transfers, one at a
// time: the batch is submitted in one piece, so either the loop thread completes every transfer,
// or, when the loop has stopped, `submit` completes them all on the calling thread.
final class TransferBatch: @unchecked Sendable {
    typealias Result = (result: TransferResult, elapsed: Duration)

    private var results: GatheredResults<Result>
    private let whenEachEnds: (@Sendable (Int) -> Void)?
    private let completion: @Sendable ([Result]) -> Void

    init(count: Int, whenEachEnds: (@Sendable (Int) -> Void)?, completion: @escaping @Sendable ([Result]) -> Void) {
        results = GatheredResults(count: count)
        self.whenEachEnds = whenEachEnds
        self.completion = completion
        if count == 0 { completion([]) }
    }

    func transfers(for requests: [UpstreamRequest]) -> [Transfer] {
        requests.enumerated().map { index, request in
            Transfer(request: request) { result, elapsed in self.finish(index, result, elapsed) }
        }
    }

    private func finish(_ index: Int, _ result: TransferResult, _ elapsed: Duration) {
        whenEachEnds?(index)
        if let all = results.fill(index, with: (result, elapsed)) { completion(all) }
    }
}
