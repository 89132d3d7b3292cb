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
        let keyStart: Int
        let keyCount: Int
        /// The token as an array index, when it is one.
        let index: Int?
        let child: Int
    }

    /// Per node, its edges (in one array, so that a lookup reads them in place):
    /// `edges[edgeStarts[n]..<edgeStarts[n + 1]]`.
    private var edgeStarts: [Int] = []
    private var edges: [Edge] = []
    /// Every edge's token bytes, one after the other.
    private var keyBytes: [UInt8] = []
    /// Per node, the place in `pointers` of the pointer ending there.
    private let slots: [Int?]
    /// The pointers captured, each once, in the order given: the places of their values.
    public let pointers: [JSONPointer]

    public static let root = Node(index: 0)

    /// Nothing to capture.
    public static let none = CheckCaptures([])

    public init(_ pointers: [JSONPointer]) {
        var distinct: [JSONPointer] = []
        for pointer in pointers where !distinct.contains(where: { Self.same($0, pointer) }) { distinct.append(pointer) }
        self.pointers = distinct
        var children: [[(key: [UInt8], child: Int)]] = [[]]
        var slots: [Int?] = [nil]
        for (slot, pointer) in distinct.enumerated() {
            var node = 0
            for token in pointer.tokens {
                let key = Array(token.utf8)
                if let existing = children[node].first(where: { $0.key == key }) {
                    node = existing.child
                } else {
                    children.append([])
                    slots.append(nil)
                    children[node].append((key, children.count - 1))
                    node = children.count - 1
                }
            }
            slots[node] = slot
        }
        self.slots = slots
        // Flattened in node order: each node's edges side by side.
        edgeStarts = [0]
        for edgesOfNode in children {
            for (key, child) in edgesOfNode {
                edges.append(Edge(keyStart: keyBytes.count, keyCount: key.count, index: Self.arrayIndex(key), child: child))
                keyBytes.append(contentsOf: key)
            }
            edgeStarts.append(edges.count)
        }
    }

    /// Two pointers are the same when their tokens are the same bytes (not merely canonically
    /// equivalent text, as `String`s compare): keys are compared as bytes.
    private static func same(_ first: JSONPointer, _ second: JSONPointer) -> Bool {
        first.tokens.count == second.tokens.count && zip(first.tokens, second.tokens).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }

    /// Whether there is anything to capture.
    public var isEmpty: Bool { pointers.isEmpty }

    /// The place of `pointer`'s value, if it is captured.
    public func slot(of pointer: JSONPointer) -> Int? {
        pointers.firstIndex { Self.same($0, pointer) }
    }

    /// The place of the value at `node`, when a pointer ends there.
    public func slot(at node: Node) -> Int? {
        slots[node.index]
    }

    /// Whether pointers go below `node`.
    public func hasChildren(_ node: Node) -> Bool {
        edgeStarts[node.index] < edgeStarts[node.index + 1]
    }

    /// The node the member `key` of an object at `node` leads to.
    public func member(of node: Node, key: UnsafeRawBufferPointer) -> Node? {
        keyBytes.withUnsafeBytes { keyBytes in
            for position in edgeStarts[node.index]..<edgeStarts[node.index + 1] where edges[position].keyCount == key.count {
                if key.isEmpty || memcmp(keyBytes.baseAddress! + edges[position].keyStart, key.baseAddress!, key.count) == 0 {
                    return Node(index: edges[position].child)
                }
            }
            return nil
        }
    }

    /// The node element `index` of an array at `node` leads to.
    public func element(of node: Node, index: Int) -> Node? {
        edges[edgeStarts[node.index]..<edgeStarts[node.index + 1]].first { $0.index == index }.map { Node(index: $0.child) }
    }

    /// A token as an array index: decimal digits without a leading zero (RFC 6901).
    private static func arrayIndex(_ token: [UInt8]) -> Int? {
        guard !token.isEmpty, token.count < 19, token.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              token == [UInt8(ascii: "0")] || token[0] != UInt8(ascii: "0") else { return nil }
        return token.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
