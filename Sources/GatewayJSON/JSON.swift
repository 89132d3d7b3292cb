import CJansson

/// A JSON value held in a jansson tree.
///
/// JSON off the hot path goes through jansson: config, batch request bodies, audit logs,
/// the small answers of other routes (department bodies and dossiers are read and written in
/// one pass, by `JSONScanner` and `JSONOutput`). A `JSON` owns one reference to a jansson node
/// and gives it back in `deinit`.
///
/// Trees have reference semantics, like jansson's: build or change a tree while one
/// task owns it, then hand it on; a tree that has been shared is only read.
// @unchecked: jansson's reference count is atomic (jansson 2.14 is built with
// atomic builtins), and a tree is mutated only by the one task that owns it.
public final class JSON: @unchecked Sendable {
    let node: UnsafeMutablePointer<json_t>

    /// Takes over one reference to `node`.
    init(taking node: UnsafeMutablePointer<json_t>) {
        self.node = node
    }

    /// Adds a reference to a node borrowed from a parent tree.
    convenience init(borrowing node: UnsafeMutablePointer<json_t>) {
        self.init(taking: json_incref(node))
    }

    deinit {
        json_decref(node)
    }
}

extension JSON {
    /// The JSON types, as jansson reports them.
    public enum Kind: Sendable, Equatable {
        case object, array, string, integer, real, bool, null
    }

    public var kind: Kind {
        Kind(of: node)
    }
}

extension JSON.Kind {
    init(of node: UnsafeMutablePointer<json_t>) {
        switch eg_json_typeof(node) {
        case JSON_OBJECT: self = .object
        case JSON_ARRAY: self = .array
        case JSON_STRING: self = .string
        case JSON_INTEGER: self = .integer
        case JSON_REAL: self = .real
        case JSON_TRUE, JSON_FALSE: self = .bool
        default: self = .null
        }
    }
}
