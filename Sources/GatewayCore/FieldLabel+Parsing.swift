import GatewayJSON

extension FieldLabel {
    /// The longest label text: a label names a field, it does not explain it.
    static let maximumTextLength = 100

    /// `labels`: `{"/right_holder/name": {"zh": "权利人姓名", "en": "Right holder's name"}, ...}`, in config order.
    static func parseAll(_ object: ConfigObject?) throws(ConfigError) -> [FieldLabel] {
        guard let object else { return [] }
        var labels: [FieldLabel] = []
        for (pointer, value) in object.json.members {
            let entry = try ConfigObject(value, path: object.keyPath(pointer), knownKeys: ["zh", "en"])
            guard pointer.hasPrefix("/"), (try? JSONPointer(pointer)) != nil else {
                throw ConfigError(path: entry.path, problem: "must be an RFC 6901 pointer such as /right_holder/name (\"*\" for every array element)")
            }
            labels.append(FieldLabel(pointer: pointer, chinese: try text(entry, "zh"), english: try text(entry, "en")))
        }
        return labels
    }

    private static func text(_ entry: ConfigObject, _ key: String) throws(ConfigError) -> String {
        let text = try entry.requiredString(key)
        guard (1...maximumTextLength).contains(text.count), !text.allSatisfy(\.isWhitespace),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ConfigError(path: entry.keyPath(key), problem: "must be 1-\(maximumTextLength) characters of text, without control characters")
        }
        return text
    }
}
