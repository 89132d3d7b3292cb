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
            let (lower, upper) = (Self.describe(range.lowerBound), Self.describe(range.upperBound))
            throw ConfigError(path: keyPath(key), problem: "must be between \(lower) and \(upper), not \(Self.describe(number))")
        }
        return number
    }

    /// `3` rather than `3.0` for whole numbers, as the config file would say it.
    private static func describe(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
