import GatewayJSON

/// Reads one JSON object of a config file strictly: every key must be known, every
/// value of the right type, and each error names its key path.
struct ConfigObject {
    let json: JSON
    let path: String

    /// Rejects keys not in `knownKeys` up front, so a typo is named as such and never
    /// silently falls back to a default. `nil` accepts any key (maps such as `roles`).
    init(_ json: JSON, path: String, knownKeys: Set<String>?) throws(ConfigError) {
        guard json.kind == .object else { throw ConfigError(path: path, problem: "must be an object") }
        self.json = json
        self.path = path
        if let knownKeys, let unknown = json.members.map(\.key).first(where: { !knownKeys.contains($0) }) {
            throw ConfigError(path: keyPath(unknown), problem: "is not a known setting (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
    }

    func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func value(_ key: String) -> JSON? {
        guard let value = json[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw ConfigError(path: keyPath(key), problem: "must be a string") }
        return string
    }

    func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let string = try string(key) else { throw ConfigError(path: keyPath(key), problem: "is required") }
        return string
    }

    /// An integer within `range`, or `defaultValue` when absent.
    func integer(_ key: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws(ConfigError) -> Int {
        try number(key, in: range, default: defaultValue, kind: "an integer", read: \.integer, describe: { String($0) })
    }

    /// A value of `key` read by `read` (failing with "must be `kind`") within `range`, or `defaultValue` when absent.
    func number<Number: Comparable>(_ key: String, in range: ClosedRange<Number>, default defaultValue: Number?, kind: String,
                                    read: (JSON) -> Number?, describe: (Number) -> String) throws(ConfigError) -> Number {
        guard let value = value(key) else {
            guard let defaultValue else { throw ConfigError(path: keyPath(key), problem: "is required") }
            return defaultValue
        }
        guard let number = read(value) else { throw ConfigError(path: keyPath(key), problem: "must be \(kind)") }
        guard range.contains(number) else {
            throw ConfigError(path: keyPath(key),
                              problem: "must be between \(describe(range.lowerBound)) and \(describe(range.upperBound)), not \(describe(number))")
        }
        return number
    }

    func object(_ key: String, knownKeys: Set<String>?) throws(ConfigError) -> ConfigObject? {
        guard let value = value(key) else { return nil }
        return try ConfigObject(value, path: keyPath(key), knownKeys: knownKeys)
    }

    /// Whether `name` is 1 to `maxLength` bytes of `a-z`, `0-9`, `_` (and `-` when `hyphens`), starting
    /// with a letter: the names of sources, roles and checks, which appear in URLs, metrics and JSON keys.
    static func isLowercaseName(_ name: String, maxLength: Int, hyphens: Bool) -> Bool {
        let utf8 = Array(name.utf8)
        guard (1...maxLength).contains(utf8.count), utf8[0].isASCIILowercase else { return false }
        return utf8.allSatisfy { $0.isASCIILowercase || $0.isASCIIDigit || $0 == UInt8(ascii: "_") || (hyphens && $0 == UInt8(ascii: "-")) }
    }

    func array(_ key: String) throws(ConfigError) -> [(path: String, value: JSON)] {
        guard let value = value(key) else { throw ConfigError(path: keyPath(key), problem: "is required") }
        guard value.kind == .array else { throw ConfigError(path: keyPath(key), problem: "must be an array") }
        return value.elements.enumerated().map { ("\(keyPath(key))[\($0.offset)]", $0.element) }
    }
}
