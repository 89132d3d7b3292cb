import GatewayJSON

/// One property's merged answer from every requested department.
public struct Dossier: Sendable {
    public let propertyID: PropertyID
    public let requestID: String
    public let generatedAt: Timestamp
    /// Sections in the order the sources are configured.
    public let sources: [(name: String, outcome: SourceOutcome)]

    public init(propertyID: PropertyID, requestID: String, generatedAt: Timestamp,
                sources: [(name: String, outcome: SourceOutcome)]) {
        self.propertyID = propertyID
        self.requestID = requestID
        self.generatedAt = generatedAt
        self.sources = sources
    }

    /// True only if there are sources and every one of them is `ok`.
    public var isComplete: Bool {
        !sources.isEmpty && sources.allSatisfy { $0.outcome.status == .ok }
    }

    public var httpStatus: Int {
        DossierStatus.httpStatus(for: sources.map(\.outcome.status))
    }

    /// The body of SPEC §2.
    public func json() -> JSON {
        let sections = JSON.object()
        for (name, outcome) in sources {
            sections[name] = outcome.json()
        }
        return JSON.object([
            "property_id": JSON(propertyID.rawValue),
            "request_id": JSON(requestID),
            "generated_at": JSON(generatedAt.rfc3339),
            "complete": JSON(isComplete),
            "sources": sections,
        ])
    }
}
