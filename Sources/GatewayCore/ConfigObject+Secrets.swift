extension ConfigObject {
    /// A secret given as `<key>` inline (when `inlineAllowed`), `<key>_file` (a path whose content,
    /// trimmed, is the secret) or `<key>_env` (an `EXCHANGE_GATEWAY_*` variable); at most one of them.
    func secret(_ key: String, inlineAllowed: Bool, environment: ConfigEnvironment) throws(ConfigError) -> String? {
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
        return trimmed
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
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
