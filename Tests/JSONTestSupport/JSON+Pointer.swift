import GatewayJSON

extension JSON {
    /// The value `pointer` refers to in this tree, or `nil` when a member or element on the way is
    /// missing: resolved as RFC 6901 says and jansson's `json_object_get` finds members, the
    /// reference that the values the checks capture while a body is served are held to.
    public func value(at pointer: JSONPointer) -> JSON? {
        var value = self
        for token in pointer.tokens {
            switch value.kind {
            case .object:
                guard let member = value[token] else { return nil }
                value = member
            case .array:
                guard !token.isEmpty, token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                      token == "0" || !token.hasPrefix("0"), let index = Int(token), index < value.count else { return nil }
                value = value.elements[index]
            default:
                return nil
            }
        }
        return value
    }
}
