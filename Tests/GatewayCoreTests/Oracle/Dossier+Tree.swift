import GatewayCore
import GatewayJSON

/// The test oracle of `Dossier.encoded()`: the dossier built as a jansson tree, as it was before it was written as bytes,
/// each section's data the tree jansson reads from what its view served; `JSON.encoded()` (`JSONWriter`) writes it.
extension Dossier {
    func tree(withHTTPStatus: Bool = false) throws -> JSON {
        let sections = JSON.object()
        for (name, outcome) in sources {
            sections[name] = try outcome.tree()
        }
        let json = JSON.object([
            "property_id": JSON(propertyID.rawValue),
            "request_id": JSON(requestID),
            "generated_at": JSON(generatedAt.rfc3339),
            "complete": JSON(isComplete),
            "findings": JSON.array(consistency.findings.map { $0.tree() }),
            "skipped_checks": JSON.array(consistency.skipped.map { $0.tree() }),
            "sources": sections,
        ])
        if withHTTPStatus { json["http_status"] = JSON(httpStatus) }
        return json
    }
}

extension SourceOutcome {
    func tree() throws -> JSON {
        let section = JSON.object()
        section["status"] = JSON(status.rawValue)
        section["latency_ms"] = JSON(latencyMs)
        if let httpStatus { section["http_status"] = JSON(httpStatus) }
        if let data { section["data"] = try JSON.parse(data) }
        if status == .ok {
            section["withheld"] = JSON.array(withheld.listed.map(JSON.init))
            if withheld.unlisted > 0 { section["withheld_more"] = JSON(withheld.unlisted) }
        }
        if let error { section["error"] = JSON(error) }
        return section
    }
}

extension ConsistencyReport.Finding {
    func tree() -> JSON {
        JSON.object([
            "code": JSON(code),
            "severity": JSON(severity.rawValue),
            "message": JSON(message),
            "sources": JSON.array(sources.map { JSON($0) }),
            "pointers": JSON.array(pointers.map { JSON.object(["source": JSON($0.source), "pointer": JSON($0.pointer.description)]) }),
            "differing_sources": JSON.array(differingSources.map { JSON($0) }),
        ])
    }
}

extension ConsistencyReport.SkippedCheck {
    func tree() -> JSON {
        JSON.object(["code": JSON(code), "reason": JSON(reason.rawValue), "sources": JSON.array(sources.map { JSON($0) })])
    }
}
