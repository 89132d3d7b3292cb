import CJansson
@testable import GatewayJSON

extension JSON {
    /// What becomes of one member or element while a container is edited in place.
    public enum Edit: Sendable, Equatable {
        /// Left as it is (it may have been edited in place itself).
        case keep
        /// Taken out of the container.
        case remove
        /// Replaced by this string.
        case replace(String)
    }
}

extension JSON.Borrowed {
    /// Edits an object in place in one pass: `body` sees each member's key bytes and value
    /// (borrowed, valid only during the call) in order and says what becomes of it.
    ///
    /// One pass with no copy of the object: a replaced value is set through the iterator, and a
    /// removed member is deleted once the iterator has moved past it (jansson's "safe" iteration),
    /// so neither disturbs the walk. `body` may edit the member's value in place (a nested
    /// object or array), but must not add or remove members of this object itself.
    public func editMembers(_ body: (_ key: UnsafeRawBufferPointer, _ value: JSON.Borrowed) -> JSON.Edit) {
        var iterator = json_object_iter(node)
        while let current = iterator {
            let next = json_object_iter_next(node, current)
            let keyLength = json_object_iter_key_len(current)
            let key = json_object_iter_key(current)!
            switch body(UnsafeRawBufferPointer(start: key, count: keyLength), JSON.Borrowed(node: json_object_iter_value(current))) {
            case .keep:
                break
            case .replace(let text):
                json_object_iter_set_new(node, current, JSON.stringNode(text))
            case .remove:
                // The key lives in the member being deleted; jansson finds the member before it frees it.
                json_object_deln(node, key, keyLength)
            }
            iterator = next
        }
    }

    /// Edits an array in place in one pass, as `editMembers` does an object: `body` sees each
    /// element with its index in the array as it was when the pass began. Removed elements are
    /// taken out after the pass, so the indices `body` sees never shift under it.
    public func editElements(_ body: (_ index: Int, _ element: JSON.Borrowed) -> JSON.Edit) {
        var removed: [Int] = []
        for index in 0..<json_array_size(node) {
            switch body(index, JSON.Borrowed(node: json_array_get(node, index))) {
            case .keep:
                break
            case .replace(let text):
                json_array_set_new(node, index, JSON.stringNode(text))
            case .remove:
                removed.append(index)
            }
        }
        for index in removed.reversed() { json_array_remove(node, index) }
    }
}
