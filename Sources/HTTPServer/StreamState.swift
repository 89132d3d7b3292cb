import EventLoop

/// A streamed response body: MHD's content reader copies out what `next` produced and
/// suspends the connection while a task on the loop makes the next chunk; once the server is
/// stopping, the stream ends where it is instead.
// @unchecked: `connection` is only used on the daemon's loop, like `buffer` (whose box checks it in
// debug builds): by MHD's content reader, and by the chunk's task, which runs there.
final class StreamState: @unchecked Sendable {
    let connection: OpaquePointer
    let next: @Sendable () async -> [UInt8]?
    let daemon: LoopDaemon
    private let buffer: LoopBoundBox<Buffer>

    private struct Buffer {
        var chunk: [UInt8] = []
        var offset = 0
        var finished = false

        /// Copies what is left of the chunk into `destination`: the bytes copied, end of stream
        /// once the last chunk is out, or `nil` when the next chunk must be made first.
        mutating func copy(into destination: UnsafeMutableRawBufferPointer) -> Int? {
            guard offset < chunk.count else { return finished ? StreamState.endOfStream : nil }
            let count = min(destination.count, chunk.count - offset)
            chunk.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            offset += count
            return count
        }
    }

    /// MHD_CONTENT_READER_END_OF_STREAM, a cast macro Swift does not import.
    static let endOfStream = -1

    init(connection: OpaquePointer, next: @escaping @Sendable () async -> [UInt8]?, daemon: LoopDaemon) {
        self.connection = connection
        self.next = next
        self.daemon = daemon
        buffer = LoopBoundBox(Buffer(), loop: daemon.loop)
    }

    /// MHD's content reader: bytes copied, 0 after suspending for more, or end of stream
    /// (also when the server is stopping and no more may be made).
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        if let copied = buffer.value.copy(into: destination) { return copied }
        guard !daemon.isStopping else { return Self.endOfStream }
        let suspension = Suspension(connection: connection)
        daemon.suspend(suspension)
        suspension.task = Task(executorPreference: daemon.loop) { [self] in
            let made = await next()
            let cancelled = Task.isCancelled
            // The task runs on the loop; after the loop stopped (the daemon with it) there is no one to tell.
            guard daemon.loop.inEventLoop else { return }
            buffer.value = Buffer(chunk: made ?? [], offset: 0, finished: made == nil || cancelled)
            daemon.resume(suspension)
        }
        return 0
    }
}
