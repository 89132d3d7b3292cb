import GatewayCore
import GatewayJSON

/// The test oracle of `ViewWriter`: the walk of a jansson tree that served department bodies
/// through views before the single-pass writer (issue #14), kept as it was. The differential
/// tests hold the writer to it (`ViewDifferentialTests`).
extension SourceView {
    /// Serves the department body `data` (an object) through this view, in place: what the view
    /// does not name is removed and listed as withheld, each named scalar is served under its
    /// treatment, and schema drift is noted, whatever the view (README, Views).
    ///
    /// One walk over the body, led by the trie: recursion follows the trie (whose depth the
    /// config bounds), never the body, so a deeply nested body cannot exhaust a task's stack;
    /// below the trie, only a view of everything with `detectPII` looks further, with a work list.
    func apply(to data: JSON) -> ViewResult {
        let walk = ViewWalk(view: self)
        var result = ViewResult()
        if servesEverything && !detectPII {
            walk.noteDrift(in: data.borrowed, at: ViewTrie.root, &result)
        } else {
            walk.serveMembers(of: data.borrowed, at: ViewTrie.root, &result)
        }
        return result
    }
}

/// One application of a view to one body. What it withheld and what drifted goes into the
/// `ViewResult` passed along, so that the walk itself stays immutable: reading its view and trie
/// on every member then costs no reference counting.
struct ViewWalk {
    let view: SourceView
    private let trie: ViewTrie

    init(view: SourceView) {
        self.view = view
        trie = view.trie
    }

    /// Serves the members of an object at `node`.
    func serveMembers(of object: JSON.Borrowed, at node: ViewTrie.Node, _ result: inout ViewResult) {
        var hint = ViewTrie.noHint
        object.editMembers { key, value in
            guard let child = trie.child(of: node, key: key, hint: &hint) else {
                let path = trie.memberPath(of: node, key: key)
                result.drift.record(path)
                let step = view.unnamedMemberStep == .whole && !view.servesKey(key) ? .withhold : view.unnamedMemberStep
                return perform(step, on: value, at: nil, path: path, &result)
            }
            return serve(value, at: child, &result)
        }
    }

    /// Serves the elements of an array at `node`, each at its `*` node.
    private func serveElements(of array: JSON.Borrowed, at node: ViewTrie.Node, _ result: inout ViewResult) {
        let element = trie.element(of: node)!
        array.editElements { _, value in serve(value, at: element, &result) }
    }

    /// What becomes of `value`, a member or element that leads to `node`.
    private func serve(_ value: JSON.Borrowed, at node: ViewTrie.Node, _ result: inout ViewResult) -> JSON.Edit {
        let (step, isDrift) = view.step(at: node, kind: value.kind)
        if isDrift { result.drift.record(trie.path(of: node)) }
        return perform(step, on: value, at: isDrift ? nil : node, path: trie.path(of: node), &result)
    }

    /// Does `step` to `value`, whose path is `path`; `node` is where to look for drift below a
    /// withheld value (`nil`: the value is drift itself, or named by no view).
    private func perform(_ step: ViewStep, on value: JSON.Borrowed, at node: ViewTrie.Node?, path: @autoclosure () -> String,
                         _ result: inout ViewResult) -> JSON.Edit {
        switch step {
        case .scalar(let treatment):
            return served(value, treatment)
        case .members:
            serveMembers(of: value, at: node!, &result)
            return .keep
        case .elements:
            serveElements(of: value, at: node!, &result)
            return .keep
        case .whole:
            return servedWhole(value, path: path(), &result)
        case .withhold:
            result.withheld.record(path())
            if let node { noteDrift(in: value, at: node, &result) }
            return .remove
        }
    }

    /// A scalar served under `treatment`.
    private func served(_ value: JSON.Borrowed, _ treatment: Treatment) -> JSON.Edit {
        let served: ServedScalar = switch value.kind {
        case .string: value.withUTF8Bytes { treatment.served(.string($0), detectPII: view.detectPII, hmacKey: view.hmacKey) }!
        case .integer: treatment.served(.integer(value.integer!), detectPII: view.detectPII, hmacKey: view.hmacKey)
        case .real: treatment.served(.real(value.number!), detectPII: view.detectPII, hmacKey: view.hmacKey)
        case .bool: treatment.served(.bool, detectPII: view.detectPII, hmacKey: view.hmacKey)
        case .null, .object, .array: treatment.served(.null, detectPII: view.detectPII, hmacKey: view.hmacKey)
        }
        switch served {
        case .unchanged: return .keep
        case .replaced(let text): return .replace(text)
        }
    }

    /// A value at `path` that a view of everything serves whole, beyond what the trie names: every
    /// scalar in it served as `clear`, and a member whose key holds personal data withheld
    /// (`SourceView.servesKey`). Walked with a work list, as deep as it goes (so what it withholds
    /// is listed in the order the work list meets it). Never inlined: its closures would otherwise
    /// make the walk copy the view on every member of every body (about a third more instructions).
    @inline(never)
    private func servedWhole(_ value: JSON.Borrowed, path: @autoclosure () -> String, _ result: inout ViewResult) -> JSON.Edit {
        guard view.detectPII else { return .keep }
        switch value.kind {
        case .object, .array: break
        default: return served(value, .clear)
        }
        var pending = [(value, path())]
        func edit(_ element: JSON.Borrowed, at path: @autoclosure () -> String) -> JSON.Edit {
            switch element.kind {
            case .object, .array:
                pending.append((element, path()))
                return .keep
            default:
                return served(element, .clear)
            }
        }
        while let (container, path) = pending.popLast() {
            if container.kind == .object {
                container.editMembers { key, member in
                    guard view.servesKey(key) else {
                        result.withheld.record(ViewTrie.memberPath(in: path, key: key))
                        return .remove
                    }
                    return edit(member, at: ViewTrie.memberPath(in: path, key: key))
                }
            } else {
                container.editElements { edit($1, at: path + "/*") }
            }
        }
        return .keep
    }

    /// Notes schema drift below `value` at `node` (a value that fits the node), serving nothing:
    /// for what this view does not serve, since drift is noted whatever the caller's role.
    func noteDrift(in value: JSON.Borrowed, at node: ViewTrie.Node, _ result: inout ViewResult) {
        switch value.kind {
        case .object where trie.hasMembers(node) || node == ViewTrie.root:
            // The body itself is looked into even when no view names anything in it: then all of it is drift.
            var hint = ViewTrie.noHint
            value.forEachMember { key, member in
                guard let child = trie.child(of: node, key: key, hint: &hint) else {
                    result.drift.record(trie.memberPath(of: node, key: key))
                    return
                }
                noteDriftUnless(member, fitsAt: child, &result)
            }
        case .array:
            guard let element = trie.element(of: node) else { return }
            value.forEachElement { _, member in noteDriftUnless(member, fitsAt: element, &result) }
        default:
            return
        }
    }

    private func noteDriftUnless(_ value: JSON.Borrowed, fitsAt node: ViewTrie.Node, _ result: inout ViewResult) {
        guard trie.fits(node, value.kind) else {
            result.drift.record(trie.path(of: node))
            return
        }
        noteDrift(in: value, at: node, &result)
    }
}
