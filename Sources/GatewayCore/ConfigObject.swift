import GatewayJSON

/// Reads one JSON object of a config file strictly: every key must be known, every
/// value of the right type, and each error names its key path.
struct ConfigObject {
    let json: JSON
    let path: String
    private var readKeys: Set<String> = []

    init(_ json: JSON, path: String) throws(ConfigError) {
        guard json.kind == .object else { throw ConfigError(path: path, problem: "must be an object") }
        self.json = json
        self.path = path
    }

    func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    mutating func value(_ key: String) -> JSON? {
        readKeys.insert(key)
        guard let value = json[key], !value.isNull else { return nil }
        return value
    }

    mutating func required(_ key: String) throws(ConfigError) -> JSON {
        guard let value = value(key) else { throw ConfigError(path: keyPath(key), problem: "is required") }
        return value
    }

    mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw ConfigError(path: keyPath(key), problem: "must be a string") }
        return string
    }

    mutating func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let string = try string(key) else { throw ConfigError(path: keyPath(key), problem: "is required") }
        return string
    }

    /// An integer within `range`, or `defaultValue` when absent.
    mutating func integer(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws(ConfigError) -> Int {
        guard let value = value(key) else {
            guard let defaultValue else { throw ConfigError(path: keyPath(key), problem: "is required") }
            return defaultValue
        }
        guard let integer = value.integer else { throw ConfigError(path: keyPath(key), problem: "must be an integer") }
        guard range.contains(integer) else {
            throw ConfigError(path: keyPath(key), problem: "must be between \(range.lowerBound) and \(range.upperBound), not \(integer)")
        }
        return integer
    }

    mutating func object(_ key: String) throws(ConfigError) -> ConfigObject? {
        guard let value = value(key) else { return nil }
        return try ConfigObject(value, path: keyPath(key))
    }

    mutating func array(_ key: String) throws(ConfigError) -> [(path: String, value: JSON)] {
        guard let value = value(key) else { throw ConfigError(path: keyPath(key), problem: "is required") }
        guard value.kind == .array else { throw ConfigError(path: keyPath(key), problem: "must be an array") }
        return value.elements.enumerated().map { ("\(keyPath(key))[\($0.offset)]", $0.element) }
    }

    /// Rejects keys that were never read: a typo must not silently fall back to a default.
    func rejectUnknownKeys() throws(ConfigError) {
        if let unknown = json.members.map(\.key).first(where: { !readKeys.contains($0) }) {
            throw ConfigError(path: keyPath(unknown), problem: "is not a known setting")
        }
    }
}
