extension ConfigObject {
    /// A JSON number (integer or real) within `range`, or `defaultValue` when absent.
    /// `ConfigObject.integer` rejects reals; rates and shares such as `failure_rate` need this.
    func decimal(_ key: String, in range: ClosedRange<Double>, default defaultValue: Double? = nil) throws(ConfigError) -> Double {
        guard let value = value(key) else {
            guard let defaultValue else { throw ConfigError(path: keyPath(key), problem: "is required") }
            return defaultValue
        }
        guard let number = value.number else { throw ConfigError(path: keyPath(key), problem: "must be a number") }
        guard range.contains(number) else {
            throw ConfigError(path: keyPath(key), problem: "must be between \(range.lowerBound) and \(range.upperBound), not \(number)")
        }
        return number
    }
}
