extension ViewTrie {
    /// Gathers the paths of every role's view of one source, then freezes them into a trie.
    struct Builder {
        private var keyChildren: [[[UInt8]: Int]] = [[:]]
        private var elementChildren = [-1]
        private var paths = [""]
        private var shapes = [Shape()]

        mutating func insert(_ path: ViewPath, _ treatment: Treatment) {
            var node = 0
            for segment in path.segments { node = child(of: node, segment) }
            shapes[node].isLeaf = true
            if treatment != .redact { shapes[node].isServedLeaf = true }
        }

        private mutating func child(of node: Int, _ segment: ViewPath.Segment) -> Int {
            switch segment {
            case .anyElement where elementChildren[node] >= 0:
                return elementChildren[node]
            case .key(let key):
                if let existing = keyChildren[node][key] { return existing }
            default:
                break
            }
            let child = paths.count
            keyChildren.append([:])
            elementChildren.append(-1)
            paths.append(paths[node] + "/" + segment.pointerText)
            shapes.append(Shape())
            switch segment {
            case .anyElement: elementChildren[node] = child
            case .key(let key): keyChildren[node][key] = child
            }
            return child
        }

        func build() -> ViewTrie {
            var edgeStarts: [Int] = []
            var edges: [Edge] = []
            var keyBytes: [UInt8] = []
            for children in keyChildren {
                edgeStarts.append(edges.count)
                // In node order (config order): the same trie for the same config, and the order
                // bodies usually come in, which `child(of:key:hint:)` is quickest for.
                for (key, child) in children.sorted(by: { $0.value < $1.value }) {
                    edges.append(Edge(signature: key.withUnsafeBytes(ViewTrie.signature), keyStart: keyBytes.count, child: child))
                    keyBytes.append(contentsOf: key)
                }
            }
            edgeStarts.append(edges.count)
            return ViewTrie(storage: Storage(edgeStarts: edgeStarts, edges: edges, keyBytes: keyBytes, elementChildren: elementChildren,
                                             paths: paths, shapes: shapes))
        }
    }

    /// The trie of one view's paths alone.
    init(_ paths: ViewPaths) {
        var builder = Builder()
        for (path, treatment) in paths.entries { builder.insert(path, treatment) }
        self = builder.build()
    }
}
