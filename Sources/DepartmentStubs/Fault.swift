/// A misbehaviour one department shows for a fault id (SPEC §6).
public enum Fault: String, Sendable, CaseIterable {
    /// Never answers; holds the connection.
    case timeout = "TIMEOUT"
    /// Answers correctly after two seconds.
    case slow = "SLOW"
    /// 500 with an HTML body.
    case serverError = "500"
    case notFound = "404"
    /// 200 with a truncated JSON body.
    case badJSON = "BADJSON"
    /// 200 with a 50 MB body.
    case huge = "HUGE"
    /// Headers, then one byte a second.
    case drip = "DRIP"
    /// Closes the connection without answering.
    case reset = "RESET"

    public static let idPrefix = "LA-FAULT-"

    /// The property id that makes `department` show this fault.
    public func propertyID(for department: Department) -> String {
        "\(Self.idPrefix)\(department.faultTag)-\(rawValue)"
    }

    /// For a fault id, the department that misbehaves and how; `nil` for other ids.
    public static func parse(_ propertyID: String) -> (department: Department, fault: Fault)? {
        guard propertyID.hasPrefix(idPrefix) else { return nil }
        let parts = propertyID.dropFirst(idPrefix.count).split(separator: "-", maxSplits: 1)
        guard parts.count == 2,
              let department = Department.allCases.first(where: { $0.faultTag == parts[0] }),
              let fault = Fault(rawValue: String(parts[1]))
        else { return nil }
        return (department, fault)
    }
}
