/// Limits that keep malformed or abusive input cheap to refuse.
public struct LimitsConfig: Sendable, Equatable {
    /// Longest request target (path and query) accepted; longer is 414.
    public var maxURLBytes: Int
    /// Malformed requests (4xx) one address may send in a burst before it gets 429s.
    public var malformedBurst: Int
    /// How many malformed requests per minute an address regains.
    public var malformedPerMinute: Int
    /// Dossiers being built at once; more wait (newest first once the wait stalls) and are
    /// answered 503 `overloaded` if none finishes before their deadline. Keeps an overloaded
    /// gateway's CPU on dossiers that can still make their deadline.
    public var maxDossiersInProgress: Int
    /// The dossiers one batch answer may hold, encoded; items that would go past it are refused
    /// (`413 batch-too-large` items), so one batch's memory is bounded whatever the departments send.
    public var maxBatchResponseBytes: Int
    /// Batches answered at once; more wait like dossiers, then are 503 `overloaded`. Each holds up to
    /// `maxBatchResponseBytes` of finished dossiers until it is sent, so this bounds what all of
    /// them hold together, whatever the clients' rate limits let in.
    public var maxBatchesInProgress: Int

    public init(maxURLBytes: Int = 2048, malformedBurst: Int = 50, malformedPerMinute: Int = 50, maxDossiersInProgress: Int = 512,
                maxBatchResponseBytes: Int = 16 << 20, maxBatchesInProgress: Int = 4) {
        self.maxURLBytes = maxURLBytes
        self.malformedBurst = malformedBurst
        self.malformedPerMinute = malformedPerMinute
        self.maxDossiersInProgress = maxDossiersInProgress
        self.maxBatchResponseBytes = maxBatchResponseBytes
        self.maxBatchesInProgress = maxBatchesInProgress
    }
}
