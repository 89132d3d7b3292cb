import Glibc

/// NUL-terminated copies of strings that MHD keeps pointers to for the daemon's lifetime.
// @unchecked: the copies are written once in `init`, only read by MHD afterwards, and
// freed in `deinit`; the `MHDDaemon` holding them stops the daemon in its own `deinit`
// before they are released, so MHD never reads them once freed.
final class CStrings: @unchecked Sendable {
    private let pointers: [UnsafeMutablePointer<CChar>]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0)! }
    }

    subscript(index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(pointers[index])
    }

    deinit {
        for pointer in pointers { free(pointer) }
    }
}
