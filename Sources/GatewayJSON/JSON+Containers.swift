import CJansson

extension JSON {
    /// The member `key` of an object; `nil` if absent or if this is no object.
    /// Setting `nil` removes the member.
    public subscript(key: String) -> JSON? {
        get {
            guard let child = json_object_get(node, key) else { return nil }
            return JSON(borrowing: child)
        }
        set {
            precondition(kind == .object, "JSON member set on a non-object")
            if let newValue {
                json_object_set(node, key, newValue.node)
            } else {
                json_object_del(node, key)
            }
        }
    }

    /// The members of an object in their order, or `[]`.
    public var members: [(key: String, value: JSON)] {
        var result: [(key: String, value: JSON)] = []
        result.reserveCapacity(json_object_size(node))
        var iterator = json_object_iter(node)
        while let current = iterator {
            let key = String(cString: json_object_iter_key(current))
            result.append((key, JSON(borrowing: json_object_iter_value(current))))
            iterator = json_object_iter_next(node, current)
        }
        return result
    }

    /// The elements of an array, or `[]`.
    public var elements: [JSON] {
        (0..<json_array_size(node)).map { JSON(borrowing: json_array_get(node, $0)) }
    }

    /// The number of members of an object or elements of an array.
    public var count: Int {
        switch kind {
        case .object: json_object_size(node)
        case .array: json_array_size(node)
        default: 0
        }
    }

    public func append(_ element: JSON) {
        precondition(kind == .array, "JSON append on a non-array")
        json_array_append(node, element.node)
    }

    /// Replaces element `index` of an array.
    public func replaceElement(at index: Int, with element: JSON) {
        precondition(kind == .array && index < json_array_size(node), "JSON element out of range")
        json_array_set(node, index, element.node)
    }
}
