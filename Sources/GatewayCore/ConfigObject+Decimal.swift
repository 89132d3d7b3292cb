extension ConfigObject {
    /// A JSON number (integer or real) within `range`, or `defaultValue` when absent.
    /// `ConfigObject.integer` rejects reals; rates and shares such as `failure_rate` need this.
    func decimal(_ key: String, in range: ClosedRange<Double>, default defaultValue: Double? = nil) throws(ConfigError) -> Double {
        try number(key, in: range, default: defaultValue, kind: "a number", read: \.number, describe: Self.describe)
    }

    /// `3` rather than `3.0` for whole numbers, as the config file would say it.
    private static func describe(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
