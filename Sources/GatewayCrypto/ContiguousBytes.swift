/// Calls `body` with `bytes` in one piece, as the C functions take them: in place when the
/// collection already stores them contiguously (arrays, their slices), else from a copy.
func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
    _ bytes: Bytes, _ body: (UnsafeBufferPointer<UInt8>) -> Result
) -> Result {
    if let result = bytes.withContiguousStorageIfAvailable(body) {
        return result
    }
    return Array(bytes).withUnsafeBufferPointer(body)
}
