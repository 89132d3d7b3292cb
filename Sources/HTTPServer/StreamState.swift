import Synchronization

/// A streamed response body: MHD's content reader copies out what `next` produced and
/// suspends the connection while the next chunk is being made; once the server is
/// stopping, the stream ends where it is instead.
final class StreamState: Sendable {
    let connection: MHDConnection
    let next: @Sendable () async -> [UInt8]?
    let context: ServerContext
    private let buffer = Mutex(Buffer())

    /// MHD_CONTENT_READER_END_OF_STREAM, a cast macro Swift does not import.
    static let endOfStream = -1

    struct Buffer {
        var chunk: [UInt8] = []
        var offset = 0
        var finished = false
    }

    init(connection: MHDConnection, next: @escaping @Sendable () async -> [UInt8]?, context: ServerContext) {
        self.connection = connection
        self.next = next
        self.context = context
    }

    /// MHD's content reader: bytes copied, 0 after suspending for more, or end of stream
    /// (also when the server is stopping and no more may be made).
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let copied: Int? = buffer.withLock { buffer in
            if buffer.offset < buffer.chunk.count {
                let count = min(destination.count, buffer.chunk.count - buffer.offset)
                buffer.chunk.withUnsafeBytes { source in
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[buffer.offset..<buffer.offset + count]))
                }
                buffer.offset += count
                return count
            }
            return buffer.finished ? Self.endOfStream : nil
        }
        if let copied { return copied }
        let suspended = context.suspend(connection) { [self] in
            let chunk = await next()
            buffer.withLock { buffer in
                buffer.chunk = chunk ?? []
                buffer.offset = 0
                buffer.finished = chunk == nil || Task.isCancelled
            }
        }
        return suspended ? 0 : Self.endOfStream
    }
}
