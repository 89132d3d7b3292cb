extension HTTPResponse {
    /// This response's headers and body as a `408 Request Timeout` with `Connection: close`, in
    /// HTTP/1.1 bytes: the header deadline writes it straight to the socket, since MHD answers only
    /// requests whose head it has. A streamed body is not sent.
    func requestTimeoutBytes() -> [UInt8] {
        let bytes: [UInt8] = if case .bytes(let bytes) = body { bytes } else { [] }
        var head = "HTTP/1.1 408 Request Timeout\r\n"
        for (name, value) in headers where !["connection", "content-length"].contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        head += "Connection: close\r\nContent-Length: \(bytes.count)\r\n\r\n"
        return Array(head.utf8) + bytes
    }
}
