import CMicroHTTPD

/// An answer's body handed to libmicrohttpd without a copy: MHD sends straight from the array's
/// storage, which this box keeps alive (retained by MHD's response) until MHD frees the response.
/// MUST_COPY would allocate and copy every answer once more (several KB for a dossier).
///
/// The storage's address is taken once and used after `withUnsafeBytes` returns: `bytes` is a
/// `let` of a box nothing else can reach, so the native array's buffer is never written, moved or
/// copied while the box lives, and its elements stay where they are.
final class ResponseBytes {
    private let bytes: [UInt8]

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A response whose body is `bytes`; `nil` when MHD cannot make one (out of memory).
    static func response(handing bytes: [UInt8]) -> OpaquePointer? {
        guard !bytes.isEmpty else { return MHD_create_response_from_buffer(0, nil, .RESPMEM_PERSISTENT) }
        let box = ResponseBytes(bytes)
        let start = box.bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
        let context = Unmanaged.passRetained(box).toOpaque()
        guard let response = MHD_create_response_from_buffer_with_free_callback_cls(bytes.count, start, release, context) else {
            Unmanaged<ResponseBytes>.fromOpaque(context).release()
            return nil
        }
        return response
    }

    /// MHD's cleanup callback: the response is gone, and the box with it.
    private static let release: MHD_ContentReaderFreeCallback = { context in
        guard let context else { return }
        Unmanaged<ResponseBytes>.fromOpaque(context).release()
    }
}
