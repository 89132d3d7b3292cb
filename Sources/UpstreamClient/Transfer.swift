import CCurl
import GatewayCore

/// One upstream call in flight: its limits, its growing body, and what to do with the result.
// @unchecked: a transfer is created by a fetch, handed to the loop thread once through
// the loop's locked inbox, and from then on touched only by the loop thread.
final class Transfer: @unchecked Sendable {
    let request: UpstreamRequest
    /// Called once, on the loop thread, with the result and the call's duration.
    let complete: (TransferResult, Duration) -> Void
    let started = ContinuousClock.now
    var body: [UInt8] = []
    /// Set by the write callback when the body grew past the cap.
    var exceededCap = false
    /// The request's own header list, when it has extra headers; freed with the transfer.
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// The answer's `Cache-Control` header, kept when the request may be cached.
    var cacheControl: String?

    init(request: UpstreamRequest, complete: @escaping (TransferResult, Duration) -> Void) {
        self.request = request
        self.complete = complete
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Notes the `Cache-Control` header among the answer's header lines.
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        let prefix = "cache-control:"
        guard line.count > prefix.utf8.count,
              zip(line, prefix.utf8).allSatisfy({ ($0 | 0x20) == $1 || ($0 == $1) })
        else { return }
        cacheControl = String(decoding: line.dropFirst(prefix.utf8.count), as: UTF8.self)
            .trimmingCharacters(in: " \t\r\n")
    }

    /// Appends a piece of the body; `false` once the body would exceed the cap.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= request.maxResponseBytes else {
            exceededCap = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}

/// The transfers of one dossier: their results are gathered on the loop thread, and whoever
/// waits for them is told once, when the last one is done.
// @unchecked: `results` is touched only on the loop thread, by the completions of this batch's
// transfers.
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

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.unicodeScalars.contains($0) }),
              let last = scalars.lastIndex(where: { !set.unicodeScalars.contains($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
