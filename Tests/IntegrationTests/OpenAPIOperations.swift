/// The operations an OpenAPI YAML document declares, read line by line rather than with a YAML
/// library (the project has no dependencies): paths are the keys indented two spaces under the
/// top-level `paths:`, methods the HTTP-method keys indented four spaces under a path. That is
/// the block style `Sources/Gateway/Resources/openapi.yaml` is written in.
struct OpenAPIOperations: Equatable, CustomStringConvertible {
    private static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Upper-case methods by path template, e.g. `"/healthz": ["GET"]`.
    private(set) var methodsByPath: [String: Set<String>] = [:]

    init(methodsByPath: [String: Set<String>]) {
        self.methodsByPath = methodsByPath
    }

    init(yaml: String) {
        var inPaths = false
        var currentPath: String?
        for line in yaml.split(separator: "\n") {
            if let topLevel = Self.key(of: line, indent: 0) {
                inPaths = topLevel == "paths"
                currentPath = nil
            } else if inPaths, let path = Self.key(of: line, indent: 2) {
                currentPath = path
                methodsByPath[path] = []
            } else if inPaths, let path = currentPath, let method = Self.key(of: line, indent: 4), Self.httpMethods.contains(method) {
                methodsByPath[path]?.insert(method.uppercased())
            }
        }
    }

    /// The mapping key on `line` if the line starts one at exactly `indent` spaces (`key:` or
    /// `key: value`, the key optionally quoted; a plain key may hold a colon not followed by a
    /// space, as in `/v1/dossiers:batch:`); `nil` for deeper lines, list items and comments.
    private static func key(of line: Substring, indent: Int) -> String? {
        let content = line.dropFirst(indent)
        guard line.prefix(indent).allSatisfy({ $0 == " " }), let first = content.first, first != " ", first != "#", first != "-"
        else { return nil }
        if first == "'" || first == "\"" {
            guard let closing = content.dropFirst().firstIndex(of: first),
                  content[content.index(after: closing)...].hasPrefix(":") else { return nil }
            return String(content[content.index(after: content.startIndex)..<closing])
        }
        let endsKey = { (colon: Substring.Index) in
            content[colon] == ":" && content[content.index(after: colon)...].first.map { $0 == " " } ?? true
        }
        guard let colon = content.indices.first(where: endsKey) else { return nil }
        return String(content[..<colon])
    }

    var description: String {
        methodsByPath.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted())" }.joined(separator: "; ")
    }
}
