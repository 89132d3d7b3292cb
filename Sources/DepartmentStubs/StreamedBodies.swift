import Synchronization

/// The HUGE fault's body: 50 MB of a valid JSON object, made 64 KiB at a time.
final class HugeBody: Sendable {
    private let sent = Mutex(0)
    private static let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)

    func next() async -> [UInt8]? {
        sent.withLock { sent in
            let total = DepartmentStub.hugeBodyBytes
            if sent >= total { return nil }
            defer { sent += Self.chunk.count }
            if sent == 0 { return Array("{\"padding\":\"".utf8) + Self.chunk.dropFirst(12) }
            if sent + Self.chunk.count >= total { return Array(Self.chunk.dropFirst(2)) + Array("\"}".utf8) }
            return Self.chunk
        }
    }
}

/// The DRIP fault's body: the record, one byte a second, for at most `DepartmentStub.maxHold`;
/// then it stops short and the connection is closed.
final class DripBody: Sendable {
    private let body: [UInt8]
    private let sent = Mutex(0)
    private let deadline: ContinuousClock.Instant

    init(body: [UInt8], holdingFor maxHold: Duration = DepartmentStub.maxHold) {
        self.body = body
        deadline = .now + maxHold
    }

    func next() async -> [UInt8]? {
        let index = sent.withLock { sent in
            defer { sent += 1 }
            return sent
        }
        guard index < body.count, ContinuousClock.now < deadline else { return nil }
        if index > 0 {
            do { try await Task.sleep(for: DepartmentStub.dripInterval) } catch { return nil }
        }
        return [body[index]]
    }
}
