import GatewayCore
import GatewayJSON

/// Department records loaded from `<fixtures>/<department>/<property id>.json`.
public struct FixtureStore: Sendable {
    /// The record fault ids are answered with by the departments that behave.
    public static let templateID = "LA2023001"

    /// Each record's file, served byte for byte.
    private let records: [Department: [String: [UInt8]]]
    private let templates: [Department: JSON]

    public enum LoadError: Error, CustomStringConvertible {
        case unreadableDirectory(String)
        case invalidFixture(path: String, reason: String)
        case missingTemplate(Department)

        public var description: String {
            switch self {
            case .unreadableDirectory(let path): "cannot read fixture directory \(path)"
            case .invalidFixture(let path, let reason): "fixture \(path) is not a JSON object: \(reason)"
            case .missingTemplate(let department): "fixture \(FixtureStore.templateID) is missing for \(department.rawValue)"
            }
        }
    }

    public init(directory: String) throws(LoadError) {
        var records: [Department: [String: [UInt8]]] = [:]
        var templates: [Department: JSON] = [:]
        for department in Department.allCases {
            let folder = directory + "/" + department.rawValue
            var byID: [String: [UInt8]] = [:]
            for name in try Self.jsonFileNames(in: folder) {
                let path = folder + "/" + name
                guard let bytes = FileBytes.read(path) else { throw .invalidFixture(path: path, reason: "unreadable") }
                do {
                    let record = try JSON.parse(bytes)
                    guard record.kind == .object else { throw LoadError.invalidFixture(path: path, reason: "not an object") }
                    let propertyID = String(name.dropLast(".json".count))
                    byID[propertyID] = bytes
                    if propertyID == Self.templateID { templates[department] = record }
                } catch let error as JSONParseError {
                    throw .invalidFixture(path: path, reason: error.description)
                } catch {
                    throw .invalidFixture(path: path, reason: "not an object")
                }
            }
            guard byID[Self.templateID] != nil else { throw .missingTemplate(department) }
            records[department] = byID
        }
        self.records = records
        self.templates = templates
    }

    /// The record's body, or `nil` when the department has none for `propertyID`.
    public func body(of department: Department, for propertyID: String) -> [UInt8]? {
        records[department]?[propertyID]
    }

    /// The template record with `property_id` set to `propertyID`: what a well-behaved
    /// department answers for a fault id.
    public func templateBody(of department: Department, as propertyID: String) -> [UInt8] {
        let record = templates[department]!.deepCopy()
        record["property_id"] = JSON(propertyID)
        return record.encoded(pretty: true)
    }

    public func propertyIDs(of department: Department) -> [String] {
        (records[department] ?? [:]).keys.sorted()
    }

    private static func jsonFileNames(in folder: String) throws(LoadError) -> [String] {
        guard let names = DirectoryListing.names(in: folder, where: { $0.hasSuffix(".json") }) else {
            throw .unreadableDirectory(folder)
        }
        return names
    }
}
