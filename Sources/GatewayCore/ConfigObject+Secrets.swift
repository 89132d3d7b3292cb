extension ConfigObject {
    /// A secret given as `<key>` inline (when `inlineAllowed`), `<key>_file` (a path whose content,
    /// trimmed, is the secret) or `<key>_env` (an `EXCHANGE_GATEWAY_*` variable); at most one of them.
    /// Returns the secret and the key path it came from, for errors about its content.
    func secret(_ key: String, inlineAllowed: Bool, environment: ConfigEnvironment) throws(ConfigError) -> (value: String, path: String)? {
        let forms = (inlineAllowed ? [key] : []) + [key + "_file", key + "_env"]
        let given = forms.filter { value($0) != nil }
        guard given.count <= 1 else {
            throw ConfigError(path: keyPath(given[1]), problem: "give only one of \(forms.joined(separator: ", "))")
        }
        guard let form = given.first else { return nil }
        let reference = try requiredString(form)
        let secret: String
        if form == key {
            secret = reference
        } else if form.hasSuffix("_env") {
            guard reference.hasPrefix(ConfigEnvironment.variablePrefix) else {
                throw ConfigError(path: keyPath(form), problem: "must name a variable starting with \(ConfigEnvironment.variablePrefix)")
            }
            guard let value = environment.variable(reference) else {
                throw ConfigError(path: keyPath(form), problem: "environment variable \(reference) is not set")
            }
            secret = value
        } else {
            guard let bytes = environment.file(reference) else {
                throw ConfigError(path: keyPath(form), problem: "cannot read secret file \(reference)")
            }
            secret = String(decoding: bytes, as: UTF8.self)
        }
        let trimmed = secret.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw ConfigError(path: keyPath(form), problem: "the secret is empty") }
        return (trimmed, keyPath(form))
    }

    func stringArray(_ key: String) throws(ConfigError) -> [String] {
        var strings: [String] = []
        for (path, element) in try array(key) {
            guard let string = element.string else { throw ConfigError(path: path, problem: "must be a string") }
            strings.append(string)
        }
        return strings
    }

    func bool(_ key: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let value = value(key) else { return defaultValue }
        guard let bool = value.bool else { throw ConfigError(path: keyPath(key), problem: "must be true or false") }
        return bool
    }
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF. Works on scalars, not Characters:
    /// "\r\n" is one Character, equal to neither "\r" nor "\n".
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}
