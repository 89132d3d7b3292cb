/// The three fake departments and where each one serves its records.
public enum Department: String, Sendable, CaseIterable {
    case land, tax, house

    /// The path prefix of SPEC §1; the property id follows it.
    public var pathPrefix: String {
        switch self {
        case .land: "/land/"
        case .tax: "/property-tax/"
        case .house: "/house/"
        }
    }

    /// The department's part of a fault id: `LA-FAULT-<faultTag>-<KIND>`.
    public var faultTag: String { rawValue.uppercased() }

    /// The default port of SPEC §6.
    public var defaultPort: Int {
        switch self {
        case .land: 9101
        case .tax: 9102
        case .house: 9103
        }
    }
}
