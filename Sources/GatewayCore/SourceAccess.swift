/// Which of the requested sources a role may see. The others appear as `not_permitted` and
/// are never called.
public struct SourceAccess: Sendable {
    public let permitted: [SourceConfig]
    public let forbidden: [SourceConfig]

    /// - Throws: a 403 problem if the role may see none of the requested sources.
    public init(requested: [SourceConfig], role: RoleConfig) throws(Problem) {
        permitted = requested.filter { role.mayRead($0.name) }
        forbidden = requested.filter { !role.mayRead($0.name) }
        guard !permitted.isEmpty else {
            throw Problem(kind: "forbidden", title: "Forbidden", status: 403,
                          detail: "role \(role.name) may not read any of the requested sources")
        }
    }
}
