import Glibc

/// The `errno` of a failed system call, taken right after the call (a later call may overwrite
/// it), so it travels as a value instead.
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `errno` now: call it right after the failed call.
    static var current: Errno { Errno(errno) }

    /// EEXIST: the descriptor is in the epoll set already.
    public static let alreadyExists = Errno(EEXIST)
    /// ENOENT: the descriptor is not in the epoll set.
    public static let notFound = Errno(ENOENT)

    public var description: String {
        String(cString: strerror(rawValue))
    }
}
