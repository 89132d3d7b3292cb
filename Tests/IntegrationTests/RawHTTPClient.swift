import Foundation
import GatewayJSON

/// A parsed HTTP/1.1 response as the tests see it.
struct RawResponse: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]

    func json() throws -> JSON {
        try JSON.parse(body)
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

enum RawHTTPError: Error {
    case connectFailed(Int32)
    case closedEarly
    case malformed(String)
}

/// A blocking HTTP/1.1 connection to a loopback port, for tests that need exact control
/// (raw paths, keep-alive). Each call runs on its own thread so the cooperative pool,
/// which the in-process gateway needs, is never blocked.
// @unchecked: a connection is used by one test at a time, one call after another.
final class RawHTTPConnection: @unchecked Sendable {
    private let socket: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw RawHTTPError.connectFailed(errno)
        }
    }

    deinit {
        close(socket)
    }

    /// Sends `method path` with `headers` and reads the whole response.
    func send(_ method: String = "GET", _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> RawResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        return try await onOwnThread { try self.exchange(request) }
    }

    /// Sends `bytes` exactly as given (framing tests write requests no client library would) and
    /// reads one response.
    func sendRaw(_ bytes: [UInt8]) async throws -> RawResponse {
        try await onOwnThread { try self.exchange(bytes) }
    }

    private func exchange(_ request: [UInt8]) throws -> RawResponse {
        _ = request.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = buffered.firstRange(of: separator)?.upperBound
            if headerEnd == nil { try fill() }
        }
        let headText = String(decoding: buffered[..<headerEnd!], as: UTF8.self)
        buffered.removeFirst(headerEnd!)
        var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw RawHTTPError.malformed(headText) }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // An answer to HEAD has no body, whatever its Content-Length says (RFC 9110).
        let length = request.starts(with: Array("HEAD ".utf8)) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffered.count < length { try fill() }
        let body = Array(buffered.prefix(length))
        buffered.removeFirst(length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
        guard count > 0 else { throw RawHTTPError.closedEarly }
        buffered.append(contentsOf: chunk[0..<count])
    }

    /// What the server did while `pieces` trickled in: everything it sent until it closed the
    /// connection, how long after the first piece it closed it, and how many pieces went out.
    struct Trickle {
        let received: [UInt8]
        let closedAfter: Duration
        let piecesSent: Int
        var text: String { String(decoding: received, as: UTF8.self) }
    }

    /// Sends `pieces` one every `interval` until the server closes the connection (awaited with
    /// `poll`, never assumed), then reads to the end. Bounded by the number of pieces, and by a 10 s
    /// wait after the last one.
    func trickle(_ pieces: [String], every interval: Duration) async throws -> Trickle {
        try await onOwnThread {
            let started = ContinuousClock.now
            var sent = 0
            var received = self.buffered
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                if sent < pieces.count {
                    let bytes = Array(pieces[sent].utf8)
                    guard bytes.withUnsafeBytes({ Glibc.send(self.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { break }
                    sent += 1
                }
                let wait = sent < pieces.count ? interval : .seconds(10)
                var poller = pollfd(fd: self.socket, events: Int16(POLLIN), revents: 0)
                let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
                if poll(&poller, 1, Int32(milliseconds)) > 0 {
                    let count = read(self.socket, &chunk, chunk.count)
                    if count <= 0 { break }
                    received += chunk[0..<count]
                } else if sent == pieces.count {
                    break
                }
            }
            return Trickle(received: received, closedAfter: started.duration(to: .now), piecesSent: sent)
        }
    }

    /// True if the server has closed the connection (a read returns end of file at once).
    func isClosedByServer() async -> Bool {
        await (try? onOwnThread { () -> Bool in
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(self.socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            return read(self.socket, &byte, 1) == 0
        }) ?? false
    }
}

/// Runs blocking `work` on a new thread and returns its result.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// One request on a fresh connection.
func httpGet(_ port: Int, _ path: String, headers: [String: String] = [:]) async throws -> RawResponse {
    try await RawHTTPConnection(port: port).send("GET", path, headers: headers)
}
