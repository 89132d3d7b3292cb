import GatewayJSON

/// What a view does with one value, decided from where it is and its kind alone: the one rule
/// every walker follows, the jansson walk of `SourceView.apply(to:)` and a writer that streams a
/// body token by token alike (README, Views).
public enum ViewStep: Sendable, Equatable {
    /// A scalar (or `null`): served as `Treatment.served(_:detectPII:hmacKey:)` says.
    case scalar(Treatment)
    /// An object: served with its members, each at the node `ViewTrie.child(of:key:hint:)` gives
    /// (a member that leads to none: `SourceView.unnamedMemberStep`).
    case members
    /// An array: served with its elements, each at the node `ViewTrie.element(of:)` gives.
    case elements
    /// Served as it is, however deep, every scalar in it as `clear` (a view of everything, below
    /// what any view names), but for members `SourceView.servesKey` withholds.
    case whole
    /// Not served: removed, and its path listed as withheld. Unless the value is drift itself,
    /// its members are still looked at for drift where other roles' views name paths below.
    case withhold
}

extension SourceView {
    /// What this view does with a value of `kind` at `node`, and whether that value is schema
    /// drift at `node` (a shape no view of any role expects there: note `trie.path(of: node)`).
    ///
    /// A leaf serves a scalar under its treatment and withholds a container (`redact` withholds
    /// anything); a container serves `null` as it is, an object member by member where views name
    /// members, an array element by element where views name `*`, and withholds anything else;
    /// a node this view does not name is withheld; a view of everything serves it all.
    public func step(at node: ViewTrie.Node, kind: JSON.Kind) -> (step: ViewStep, isDrift: Bool) {
        let isDrift = !trie.fits(node, kind)
        let isScalar = kind != .object && kind != .array
        let step: ViewStep = switch entry(at: node) {
        case .leaf(let treatment): treatment != .redact && isScalar ? .scalar(treatment) : .withhold
        case .container where kind == .null: .scalar(.clear)
        case .container, .everything:
            if kind == .object, trie.hasMembers(node) {
                .members
            } else if kind == .array, trie.element(of: node) != nil {
                .elements
            } else {
                servesEverything ? .whole : .withhold
            }
        case .notServed: .withhold
        }
        return (step, isDrift)
    }

    /// What this view does with a member that leads to no node: no view of any role names it, so
    /// it is drift (note `trie.memberPath(of:key:)`), and it is served whole only by a view of
    /// everything.
    public var unnamedMemberStep: ViewStep {
        servesEverything ? .whole : .withhold
    }

    /// Whether a member that a view of everything serves beyond what the views name (an unnamed
    /// member, or one inside a value served `.whole`) may be served under its key `key`. With
    /// `detectPII`, a key holding personal data (`{"13812345678": …}`) would show it in clear: that
    /// member is withheld instead, listed under its masked key (`ViewTrie.memberPath`).
    public func servesKey(_ key: UnsafeRawBufferPointer) -> Bool {
        !detectPII || PIIDetector.masked(utf8: key) == nil
    }
}
