import GatewayJSON

/// One property's merged answer from every requested department.
public struct Dossier: Sendable {
    public let propertyID: PropertyID
    public let requestID: String
    public let generatedAt: Timestamp
    /// Sections in the order the sources are configured.
    public let sources: [(name: String, outcome: SourceOutcome)]
    /// The sections whose source is `required`: their failure fails the dossier.
    public let requiredSources: Set<String>
    /// What the consistency checks found in the unmasked data.
    public let consistency: ConsistencyReport

    public init(propertyID: PropertyID, requestID: String, generatedAt: Timestamp,
                sources: [(name: String, outcome: SourceOutcome)], requiredSources: Set<String> = [],
                consistency: ConsistencyReport = ConsistencyReport()) {
        self.propertyID = propertyID
        self.requestID = requestID
        self.generatedAt = generatedAt
        self.sources = sources
        self.requiredSources = requiredSources
        self.consistency = consistency
    }

    /// True only if there are sources and every one of them is `ok`.
    public var isComplete: Bool {
        !sources.isEmpty && sources.allSatisfy { $0.outcome.status == .ok }
    }

    /// SPEC §2's status, made stricter by `required` sources (see `DossierStatus`).
    public var httpStatus: Int {
        DossierStatus.httpStatus(for: sources.map(\.outcome.status),
                                 requiredStatuses: sources.filter { requiredSources.contains($0.name) }.map(\.outcome.status))
    }

    /// The body of SPEC §2, with `findings` and `skipped_checks` (always present) before the sections.
    public func json() -> JSON {
        let sections = JSON.object()
        for (name, outcome) in sources {
            sections[name] = outcome.json()
        }
        let consistency = consistency.members()
        return JSON.object([
            "property_id": JSON(propertyID.rawValue),
            "request_id": JSON(requestID),
            "generated_at": JSON(generatedAt.rfc3339),
            "complete": JSON(isComplete),
            "findings": consistency.findings,
            "skipped_checks": consistency.skipped,
            "sources": sections,
        ])
    }
}
