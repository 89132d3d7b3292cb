import GatewayCore

/// The files of this repository that unit tests read: the shipped config and the stub fixtures.
enum Repository {
    /// `#filePath` is `<root>/Tests/GatewayCoreTests/Repository.swift`.
    static let root = "/" + String("\(#filePath)").split(separator: "/").dropLast(3).joined(separator: "/")

    /// `config/gateway.json`, as shipped.
    static let bundledConfig = root + "/config/gateway.json"

    /// The bytes of `stubs/fixtures/<department>/<id>.json`, or `nil` when that department has no such record.
    static func fixtureBytes(_ department: String, _ id: String) -> [UInt8]? {
        FileBytes.read(root + "/stubs/fixtures/\(department)/\(id).json")
    }
}
