extension ConfigObject {
    /// A text secret (a hash in hex) given as `<key>` inline (when `inlineAllowed`), `<key>_file`
    /// or `<key>_env`; leading and trailing white space is not part of it.
    /// Returns the secret and the key path it came from, for errors about its content.
    func secret(_ key: String, inlineAllowed: Bool, environment: ConfigEnvironment) throws(ConfigError) -> (value: String, path: String)? {
        guard let (bytes, path) = try rawSecret(key, inlineAllowed: inlineAllowed, environment: environment) else { return nil }
        let trimmed = String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw ConfigError(path: path, problem: "the secret is empty") }
        return (trimmed, path)
    }

    /// A key given as `<key>_file` or `<key>_env`, as bytes: a file's content exactly as it is
    /// (binary is fine) but for one final line ending, which editors and `echo` add. Nothing else
    /// is trimmed or decoded, so `openssl rand 32 > key` keeps all of its 32 bytes.
    func binarySecret(_ key: String, environment: ConfigEnvironment) throws(ConfigError) -> (bytes: [UInt8], path: String)? {
        guard let secret = try rawSecret(key, inlineAllowed: false, environment: environment) else { return nil }
        var bytes = secret.bytes
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard !bytes.isEmpty else { throw ConfigError(path: secret.path, problem: "the secret is empty") }
        return (bytes, secret.path)
    }

    /// The secret's bytes as given, from whichever one of its forms is set, and that form's key path.
    private func rawSecret(_ key: String, inlineAllowed: Bool, environment: ConfigEnvironment) throws(ConfigError) -> (bytes: [UInt8], path: String)? {
        let forms = (inlineAllowed ? [key] : []) + [key + "_file", key + "_env"]
        let given = forms.filter { value($0) != nil }
        guard given.count <= 1 else {
            throw ConfigError(path: keyPath(given[1]), problem: "give only one of \(forms.joined(separator: ", "))")
        }
        guard let form = given.first else { return nil }
        let reference = try requiredString(form)
        if form == key { return (Array(reference.utf8), keyPath(form)) }
        if form.hasSuffix("_env") {
            guard reference.hasPrefix(ConfigEnvironment.variablePrefix) else {
                throw ConfigError(path: keyPath(form), problem: "must name a variable starting with \(ConfigEnvironment.variablePrefix)")
            }
            guard let value = environment.variable(reference) else {
                throw ConfigError(path: keyPath(form), problem: "environment variable \(reference) is not set")
            }
            return (Array(value.utf8), keyPath(form))
        }
        do {
            return (try environment.file(reference), keyPath(form))
        } catch {
            throw ConfigError(path: keyPath(form), problem: "cannot read secret file \(reference): \(error)")
        }
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
