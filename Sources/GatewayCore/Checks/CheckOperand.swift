import GatewayJSON

/// One value a consistency check reads: a member of a source's unmasked data, or the
/// property id the clerk asked for (to catch a department echoing another property's id).
public enum CheckOperand: Sendable, Equatable {
    /// `{"source": "land", "pointer": "/right_holder/name"}`
    case source(name: String, pointer: JSONPointer)
    /// `{"request": "property_id"}`
    case requestedPropertyID

    /// The source this operand reads, if any.
    public var sourceName: String? {
        if case .source(let name, _) = self { return name }
        return nil
    }
}
