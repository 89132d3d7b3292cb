/// An upstream URL as the loop's coalescing index keys it: hashed once, by the thread that submits
/// the call, with the process's seeded hash (so ids chosen to collide cannot slow the index down),
/// and the transfer thread's lookups hash one word instead of the whole URL.
struct URLKey: Hashable, Sendable {
    let url: String
    private let hash: Int

    init(_ url: String) {
        self.url = url
        hash = url.hashValue
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    static func == (lhs: URLKey, rhs: URLKey) -> Bool {
        lhs.hash == rhs.hash && lhs.url == rhs.url
    }
}
