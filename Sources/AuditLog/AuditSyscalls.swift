import Glibc

/// The system calls that move audit bytes to and from the disk, as replaceable values: the real
/// ones by default, and the seam where tests put faults (a failing, hanging or missing `fsync`, a
/// full disk, a refused `ftruncate`) and watch the order of calls. A removed `fsync` cannot be
/// seen with `kill -9`, since the page cache survives it; through this seam a test sees it.
///
/// Every call names the file (`path`) it acts on, so a fault can aim at the log, the witness or
/// the folder. Results are values: a byte count or 0 for success, `-errno` for a failure.
public struct AuditSyscalls: Sendable {
    /// `write`: bytes written, or `-errno`.
    public var write: @Sendable (_ path: String, _ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    /// `pread`: bytes read (0 at the end), or `-errno`.
    public var read: @Sendable (_ path: String, _ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer, _ offset: Int) -> Int
    /// `fsync` of a file or a folder: 0, or `-errno`.
    public var fsync: @Sendable (_ path: String, _ descriptor: Int32) -> Int32
    /// `ftruncate`: 0, or `-errno`.
    public var truncate: @Sendable (_ path: String, _ descriptor: Int32, _ size: Int) -> Int32

    public init(write: @escaping @Sendable (String, Int32, UnsafeRawBufferPointer) -> Int,
                read: @escaping @Sendable (String, Int32, UnsafeMutableRawBufferPointer, Int) -> Int,
                fsync: @escaping @Sendable (String, Int32) -> Int32,
                truncate: @escaping @Sendable (String, Int32, Int) -> Int32) {
        self.write = write
        self.read = read
        self.fsync = fsync
        self.truncate = truncate
    }

    /// The real calls; `errno` is read right after each one.
    public static let system = AuditSyscalls(
        write: { _, descriptor, bytes in
            let count = Glibc.write(descriptor, bytes.baseAddress, bytes.count)
            return count < 0 ? -Int(errno) : count
        },
        read: { _, descriptor, buffer, offset in
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            return count < 0 ? -Int(errno) : count
        },
        fsync: { _, descriptor in Glibc.fsync(descriptor) == 0 ? 0 : -errno },
        truncate: { _, descriptor, size in ftruncate(descriptor, off_t(size)) == 0 ? 0 : -errno })
}
