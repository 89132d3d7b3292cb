import GatewayJSON
import Glibc

/// The pointers the consistency checks read in one source's bodies, as a trie that the view
/// writer follows while it serves a body (`ViewWriter`): the checks' values are captured,
/// unmasked, in the same pass that serves the body, whatever the caller's view names.
///
/// A pointer resolves as RFC 6901 and jansson's `json_object_get` resolve it: a token names an
/// object's member by its exact bytes, or an array's element when it is a decimal index without
/// leading zeros; a value missing on the way is not captured.
public struct CheckCaptures: Sendable {
    /// A node: a pointer, or the start of one. The root is the whole body.
    public struct Node: Sendable, Hashable {
        let index: Int
    }

    /// One token below a node.
    private struct Edge: Sendable {
        let key: [UInt8]
        /// The token as an array index, when it is one.
        let index: Int?
        let child: Int
    }

    private var edges: [[Edge]] = [[]]
    /// Per node, the place in `pointers` of the pointer ending there.
    private var slots: [Int?] = [nil]
    /// The pointers captured, each once, in the order given: the places of their values.
    public private(set) var pointers: [JSONPointer] = []

    public static let root = Node(index: 0)

    /// Nothing to capture.
    public static let none = CheckCaptures([])

    public init(_ pointers: [JSONPointer]) {
        for pointer in pointers where slot(of: pointer) == nil {
            var node = 0
            for token in pointer.tokens {
                let key = Array(token.utf8)
                if let existing = edges[node].first(where: { $0.key == key }) {
                    node = existing.child
                } else {
                    edges.append([])
                    slots.append(nil)
                    edges[node].append(Edge(key: key, index: Self.arrayIndex(token), child: edges.count - 1))
                    node = edges.count - 1
                }
            }
            slots[node] = self.pointers.count
            self.pointers.append(pointer)
        }
    }

    /// Whether there is anything to capture.
    public var isEmpty: Bool { pointers.isEmpty }

    /// The place of `pointer`'s value, if it is captured.
    public func slot(of pointer: JSONPointer) -> Int? {
        var node = 0
        for token in pointer.tokens {
            guard let edge = edges[node].first(where: { $0.key.elementsEqual(token.utf8) }) else { return nil }
            node = edge.child
        }
        return slots[node]
    }

    /// The place of the value at `node`, when a pointer ends there.
    public func slot(at node: Node) -> Int? {
        slots[node.index]
    }

    /// Whether pointers go below `node`.
    public func hasChildren(_ node: Node) -> Bool {
        !edges[node.index].isEmpty
    }

    /// The node the member `key` of an object at `node` leads to.
    public func member(of node: Node, key: UnsafeRawBufferPointer) -> Node? {
        for edge in edges[node.index] where edge.key.count == key.count {
            let same = edge.key.withUnsafeBytes { key.isEmpty || memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
            if same { return Node(index: edge.child) }
        }
        return nil
    }

    /// The node element `index` of an array at `node` leads to.
    public func element(of node: Node, index: Int) -> Node? {
        edges[node.index].first { $0.index == index }.map { Node(index: $0.child) }
    }

    /// `token` as an array index: decimal digits without a leading zero (RFC 6901).
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}
