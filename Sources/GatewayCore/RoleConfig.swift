/// What a role may see: which sources, and how each source's data is masked for it.
public struct RoleConfig: Sendable {
    public var name: String
    public var sources: [String]
    public var masking: MaskingPolicy
    /// Per-source rules that replace or add to `masking`'s rules.
    public var sourceMasking: [String: [String: MaskingRule]]

    public init(name: String, sources: [String], masking: MaskingPolicy, sourceMasking: [String: [String: MaskingRule]] = [:]) {
        self.name = name
        self.sources = sources
        self.masking = masking
        self.sourceMasking = sourceMasking
    }

    public func maskingPolicy(for source: String) -> MaskingPolicy {
        guard let overrides = sourceMasking[source] else { return masking }
        return masking.overriding(with: overrides)
    }

    public func mayRead(_ source: String) -> Bool {
        sources.contains(source)
    }
}
