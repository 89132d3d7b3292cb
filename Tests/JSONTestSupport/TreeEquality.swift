import GatewayJSON

/// Whether two jansson trees hold the same document, more strictly than jansson's `json_equal`
/// (which ignores member order and compares reals with `==`): the same kinds, members in the same
/// order under the same key bytes, elements in order, strings byte for byte (not as Swift
/// compares `String`s, which folds canonically equivalent text), integers equal, reals bit for
/// bit (`-0.0` is not `0.0`). Iterative, so that 2,048 levels need no deep stack.
public enum TreeEquality {
    /// - Parameter allowed: asked about each pair of values that differ where neither is a
    ///   container of the same kind as the other (a number in one, a string in the other): whether
    ///   that difference is one the caller expects.
    public static func same(_ first: JSON, _ second: JSON, allowing allowed: (JSON, JSON) -> Bool = { _, _ in false }) -> Bool {
        var pending = [(first, second)]
        while let (left, right) = pending.popLast() {
            guard left.kind == right.kind else {
                if left.kind == .object || left.kind == .array || right.kind == .object || right.kind == .array { return false }
                guard allowed(left, right) else { return false }
                continue
            }
            switch left.kind {
            case .object:
                let leftMembers = left.members, rightMembers = right.members
                guard leftMembers.count == rightMembers.count else { return false }
                for (leftMember, rightMember) in zip(leftMembers, rightMembers) {
                    guard Array(leftMember.key.utf8) == Array(rightMember.key.utf8) else { return false }
                    pending.append((leftMember.value, rightMember.value))
                }
            case .array:
                let leftElements = left.elements, rightElements = right.elements
                guard leftElements.count == rightElements.count else { return false }
                pending.append(contentsOf: zip(leftElements, rightElements))
            case .string:
                guard left.string.map({ Array($0.utf8) }) == right.string.map({ Array($0.utf8) }) || allowed(left, right) else { return false }
            case .integer:
                guard left.integer == right.integer || allowed(left, right) else { return false }
            case .real:
                guard left.number?.bitPattern == right.number?.bitPattern || allowed(left, right) else { return false }
            case .bool:
                guard left.bool == right.bool || allowed(left, right) else { return false }
            case .null:
                break
            }
        }
        return true
    }
}
