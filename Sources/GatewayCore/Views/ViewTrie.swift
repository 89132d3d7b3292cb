import GatewayJSON
import Glibc

/// Every path that any role's view names in one source, as a trie of path segments, built once
/// at config load (README, Views). Each role's `SourceView` marks what it serves on these nodes.
///
/// Walking a body means asking, member by member and element by element, which node it leads to
/// (`child(of:key:)`, `element(of:)`): the jansson walk of `SourceView.apply(to:)` asks this, and
/// so can a writer that streams a body token by token. A member that leads to no node is named by
/// no view of any role: schema drift.
public struct ViewTrie: Sendable {
    /// A node: a path some view names, or the start of one.
    public struct Node: Sendable, Hashable {
        public let index: Int
    }

    /// What the views say a node's value is, to tell when a department changed its shape.
    struct Shape: Sendable {
        /// Some view names this path as a leaf.
        var isLeaf = false
        /// Some view serves it (as a leaf, in any way but `redact`).
        var isServedLeaf = false
    }

    /// One member key a node's object may have, and the node it leads to.
    struct Edge: Sendable {
        /// The key's length, first and last byte: compared before the key is.
        let signature: UInt64
        let keyStart: Int
        let child: Int
    }

    /// The trie's tables, in one object, so that a copy of a trie (every view holds one) costs one
    /// reference count and not one per array; the lookup tables are plain buffers, read without
    /// bounds checks or reference counting on every member of every body.
    // @unchecked: every buffer is filled in `init` and never written again; `deinit` frees them
    // when the last trie holding this storage is gone.
    final class Storage: @unchecked Sendable {
        /// Edges of node `n` are `edgeStarts[n]..<edgeStarts[n + 1]`, in config order.
        let edgeStarts: UnsafeMutableBufferPointer<Int>
        let edges: UnsafeMutableBufferPointer<Edge>
        /// Every edge's key bytes, one after the other.
        let keyBytes: UnsafeMutableRawBufferPointer
        /// Per node: the node its array elements lead to (`*`), or -1.
        let elementChildren: [Int]
        /// Per node: its path, view-style (`/ownership/owners/*`; the root is `""`).
        let paths: [String]
        let shapes: [Shape]

        init(edgeStarts: [Int], edges: [Edge], keyBytes: [UInt8], elementChildren: [Int], paths: [String], shapes: [Shape]) {
            self.edgeStarts = .allocate(capacity: edgeStarts.count)
            _ = self.edgeStarts.initialize(from: edgeStarts)
            self.edges = .allocate(capacity: edges.count)
            _ = self.edges.initialize(from: edges)
            self.keyBytes = .allocate(byteCount: max(keyBytes.count, 1), alignment: 1)
            self.keyBytes.copyBytes(from: keyBytes)
            self.elementChildren = elementChildren
            self.paths = paths
            self.shapes = shapes
        }

        deinit {
            edgeStarts.deallocate()
            edges.deallocate()
            keyBytes.deallocate()
        }
    }

    /// The body itself: an object.
    public static let root = Node(index: 0)

    let storage: Storage

    public var nodeCount: Int { storage.paths.count }

    /// Where a lookup starts when nothing matched before in the object being walked.
    public static let noHint = -1

    /// The node the member `key` (UTF-8 bytes, compared exactly) of an object at `node` leads
    /// to, or `nil` when no view names it.
    ///
    /// `hint` is where the previous lookup in the same object matched (`noHint` for the first):
    /// the search starts just after it and sets it to this match, so a body whose members come
    /// in the order the views name them (departments keep their order) finds each at the first
    /// try. The answer never depends on the hint, only the time it takes.
    public func child(of node: Node, key: UnsafeRawBufferPointer, hint: inout Int) -> Node? {
        let first = storage.edgeStarts[node.index], end = storage.edgeStarts[node.index + 1]
        guard first < end else { return nil }
        let signature = Self.signature(of: key)
        var edge = hint >= first && hint + 1 < end ? hint + 1 : first
        for _ in first..<end {
            let candidate = storage.edges[edge]
            if candidate.signature == signature,
               key.count == 0 || memcmp(storage.keyBytes.baseAddress! + candidate.keyStart, key.baseAddress!, key.count) == 0 {
                hint = edge
                return Node(index: candidate.child)
            }
            edge = edge + 1 == end ? first : edge + 1
        }
        return nil
    }

    /// `child(of:key:hint:)` for a single lookup.
    public func child(of node: Node, key: UnsafeRawBufferPointer) -> Node? {
        var hint = Self.noHint
        return child(of: node, key: key, hint: &hint)
    }

    /// The node the elements of an array at `node` lead to, or `nil` when no view names them.
    public func element(of node: Node) -> Node? {
        let child = storage.elementChildren[node.index]
        return child < 0 ? nil : Node(index: child)
    }

    /// The nodes `path` passes through, one per segment (its own node last); fewer when the
    /// trie lacks part of it.
    public func nodes(along path: ViewPath) -> [Node] {
        var nodes: [Node] = []
        var node = Self.root
        for segment in path.segments {
            let next = switch segment {
            case .anyElement: element(of: node)
            case .key(let key): key.withUnsafeBytes { child(of: node, key: $0) }
            }
            guard let next else { break }
            nodes.append(next)
            node = next
        }
        return nodes
    }

    /// The node `path` leads to, if the trie has it (every path it was built from has one).
    public func node(at path: ViewPath) -> Node? {
        let nodes = nodes(along: path)
        return nodes.count == path.segments.count ? nodes.last : nil
    }

    /// Whether some view names members of an object at `node`.
    public func hasMembers(_ node: Node) -> Bool {
        storage.edgeStarts[node.index] < storage.edgeStarts[node.index + 1]
    }

    /// `node`'s path as a view writes it: `/ownership/owners/*/name`.
    public func path(of node: Node) -> String {
        storage.paths[node.index]
    }

    /// Whether a value of `kind` at `node` is what the views expect there. When it is not, the
    /// department changed its schema (an object where a name was, a string where the owners
    /// were): that value is schema drift. `null` always fits (departments send it for "none"),
    /// and so does anything under a path that views name only to `redact`.
    public func fits(_ node: Node, _ kind: JSON.Kind) -> Bool {
        let shape = storage.shapes[node.index]
        let redactedOnly = shape.isLeaf && !shape.isServedLeaf
        switch kind {
        case .null: return true
        case .object: return node == Self.root || hasMembers(node) || redactedOnly
        case .array: return element(of: node) != nil || redactedOnly
        case .string, .integer, .real, .bool: return shape.isLeaf
        }
    }

    /// The path of the member `key` of an object at `node`, for a member no view names or one
    /// withheld: the key goes through `PIIDetector` (a key can be a phone number) and is cut to
    /// `maximumKeyBytes`, so a path never carries a value.
    public func memberPath(of node: Node, key: UnsafeRawBufferPointer) -> String {
        Self.memberPath(in: storage.paths[node.index], key: key)
    }

    /// The path of the member `key` of an object at `path` (view-style), written as `memberPath(of:key:)` writes it.
    public static func memberPath(in path: String, key: UnsafeRawBufferPointer) -> String {
        let text = PIIDetector.masked(utf8: key) ?? String(decoding: key, as: UTF8.self)
        return path + "/" + ViewPath.escaped(cut(text, toBytes: maximumKeyBytes))
    }

    /// How much of a key a withheld or drift path shows.
    public static let maximumKeyBytes = 64

    /// `text` cut to at most `limit` UTF-8 bytes, at a scalar boundary.
    static func cut(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= limit else { break }
            kept.append(scalar)
        }
        return String(kept)
    }

    /// The key's length, first and last byte: equal for equal keys, and rarely for others.
    static func signature(of key: UnsafeRawBufferPointer) -> UInt64 {
        guard let first = key.first, let last = key.last else { return 0 }
        return UInt64(key.count) << 16 | UInt64(first) << 8 | UInt64(last)
    }
}
