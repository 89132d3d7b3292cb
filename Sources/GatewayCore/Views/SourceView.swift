/// What one role sees of one source (README, Views): the fields its view names, each with its
/// treatment, or, for a role whose config says `"view": "all"`, everything.
public struct SourceView: Sendable {
    /// The paths every role's view names in this source; this view marks its own on them.
    public let trie: ViewTrie
    /// Per trie node, what this view does there; `nil` for a view of everything.
    private let entries: [ViewEntry]?
    /// Whether what is served in clear goes through `PIIDetector`.
    public let detectPII: Bool
    /// The key of the `hmac` treatment; without one `hmac` fails closed to `"***"`.
    public let hmacKey: [UInt8]?

    /// A view of everything (`"view": "all"`); `trie` still tells schema drift.
    public static func all(trie: ViewTrie, detectPII: Bool) -> SourceView {
        SourceView(trie: trie, entries: nil, detectPII: detectPII, hmacKey: nil)
    }

    /// The view naming `paths`, on `trie`, which must hold every one of them (the trie of all
    /// roles' views of this source, or `ViewTrie(paths)`).
    public init(paths: ViewPaths, on trie: ViewTrie, detectPII: Bool, hmacKey: [UInt8]?) {
        var entries = [ViewEntry](repeating: .notServed, count: trie.nodeCount)
        entries[ViewTrie.root.index] = .container
        for (path, treatment) in paths.entries {
            let nodes = trie.nodes(along: path)
            precondition(nodes.count == path.segments.count, "\(path) is not in the trie of its source")
            // Every node on the way to a named leaf is a container of this view.
            for node in nodes.dropLast() { entries[node.index] = .container }
            entries[nodes.last!.index] = .leaf(treatment)
        }
        self.init(trie: trie, entries: entries, detectPII: detectPII, hmacKey: hmacKey)
    }

    /// The view naming `paths` alone (its trie holds no other role's paths).
    public init(paths: ViewPaths, detectPII: Bool, hmacKey: [UInt8]? = nil) {
        self.init(paths: paths, on: ViewTrie(paths), detectPII: detectPII, hmacKey: hmacKey)
    }

    /// A view that serves nothing: what a role gets for a source it has no view of (fail closed).
    public static let nothing = SourceView(paths: ViewPaths(), detectPII: true)

    private init(trie: ViewTrie, entries: [ViewEntry]?, detectPII: Bool, hmacKey: [UInt8]?) {
        self.trie = trie
        self.entries = entries
        self.detectPII = detectPII
        self.hmacKey = hmacKey
    }

    /// Whether this is a view of everything.
    public var servesEverything: Bool { entries == nil }

    /// What this view does with the value at `node`.
    public func entry(at node: ViewTrie.Node) -> ViewEntry {
        entries?[node.index] ?? .everything
    }
}

extension SourceView: CustomStringConvertible, CustomReflectable {
    /// Never shows the HMAC key, only whether there is one.
    public var description: String {
        "SourceView(\(servesEverything ? "all" : "\(trie.nodeCount - 1) paths"), detectPII: \(detectPII), hmacKey: \(hmacKey == nil ? "none" : "set"))"
    }

    /// `dump` and debuggers see whether there is an HMAC key, never the key itself.
    public var customMirror: Mirror {
        Mirror(self, children: ["servesEverything": servesEverything, "detectPII": detectPII, "hasHMACKey": hmacKey != nil])
    }
}

/// What a view does with the value at one node of its source's trie.
public enum ViewEntry: Sendable, Equatable {
    /// The view names nothing here or below: the value is withheld.
    case notServed
    /// The view names paths below: an object is served with those members only, an array with
    /// every element filtered the same way.
    case container
    /// The view names this path: a scalar is served under the treatment (`redact`: withheld).
    case leaf(Treatment)
    /// A view of everything: the value is served whole, its scalars as `clear`.
    case everything
}
