/// A streamed response body: MHD's content reader copies out what `next` produced and
/// suspends the connection while a task on the loop makes the next chunk; once the server is
/// stopping, the stream ends where it is instead.
// @unchecked: `chunk`, `offset` and `finished` are touched only on the daemon's loop: by MHD's
// content reader, and by the chunk's task, which runs there.
final class StreamState: @unchecked Sendable {
    let connection: OpaquePointer
    let next: @Sendable () async -> [UInt8]?
    let daemon: LoopDaemon
    private var chunk: [UInt8] = []
    private var offset = 0
    private var finished = false

    /// MHD_CONTENT_READER_END_OF_STREAM, a cast macro Swift does not import.
    static let endOfStream = -1

    init(connection: OpaquePointer, next: @escaping @Sendable () async -> [UInt8]?, daemon: LoopDaemon) {
        self.connection = connection
        self.next = next
        self.daemon = daemon
    }

    /// MHD's content reader: bytes copied, 0 after suspending for more, or end of stream
    /// (also when the server is stopping and no more may be made).
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        daemon.loop.assertInEventLoop()
        if offset < chunk.count {
            let count = min(destination.count, chunk.count - offset)
            chunk.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            offset += count
            return count
        }
        guard !finished, !daemon.isStopping else { return Self.endOfStream }
        let suspension = Suspension(connection: connection)
        daemon.suspend(suspension)
        suspension.task = Task(executorPreference: daemon.loop) { [self] in
            let made = await next()
            let cancelled = Task.isCancelled
            // The task runs on the loop; after the loop stopped (the daemon with it) there is no one to tell.
            guard daemon.loop.inEventLoop else { return }
            chunk = made ?? []
            offset = 0
            finished = made == nil || cancelled
            daemon.resume(suspension)
        }
        return 0
    }
}
