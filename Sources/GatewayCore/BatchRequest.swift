import GatewayJSON

/// The body of `POST /v1/dossiers:batch`: `{"property_ids": [...], "sources": [...]}`.
///
/// Every id is checked before any department is called, so one bad id refuses the whole
/// batch with its index. A repeated id is one dossier: the clerk gets each property once, in
/// the order of its first mention, and the departments are asked once.
public struct BatchRequest: Sendable, Equatable {
    public static let maximumIDs = 100
    public static let contentType = "application/json"

    /// The distinct ids in first-seen order.
    public let propertyIDs: [PropertyID]
    /// The `sources` array; `nil` asks for every source.
    public let sourceNames: [String]?

    /// - Parameters:
    ///   - contentType: the request's `Content-Type`; must be `application/json` (parameters allowed).
    ///   - body: the request body, already within `max_body_bytes`.
    public init(contentType: String?, body: [UInt8]) throws(Problem) {
        guard let contentType, Self.isJSON(contentType) else { throw .unsupportedMediaType(expected: Self.contentType) }
        let json: JSON
        do {
            json = try JSON.parse(body)
        } catch {
            throw .invalidBody("the body is not valid JSON (line \(error.line), column \(error.column): \(error.description))")
        }
        guard json.kind == .object else { throw .invalidBody("the body must be a JSON object with property_ids") }
        if let unknown = json.members.map(\.key).first(where: { $0 != "property_ids" && $0 != "sources" }) {
            throw .invalidBody("unknown member '\(unknown.prefix(32))'; a batch takes property_ids and sources")
        }
        guard let ids = json["property_ids"], ids.kind == .array else {
            throw .invalidBody("property_ids must be an array of property ids")
        }
        guard (1...Self.maximumIDs).contains(ids.count) else {
            throw .invalidBody("property_ids must hold 1 to \(Self.maximumIDs) ids, not \(ids.count)")
        }
        var propertyIDs: [PropertyID] = []
        for (index, element) in ids.elements.enumerated() {
            guard let text = element.string, let id = PropertyID(text) else {
                var problem = Problem.invalidPropertyID()
                problem.detail = "property_ids[\(index)]: " + problem.detail
                throw problem
            }
            if !propertyIDs.contains(id) { propertyIDs.append(id) }
        }
        self.propertyIDs = propertyIDs
        guard let sources = json["sources"], !sources.isNull else {
            sourceNames = nil
            return
        }
        let names = sources.elements.compactMap(\.string)
        guard sources.kind == .array, names.count == sources.count else {
            throw .invalidBody("sources must be an array of source names")
        }
        sourceNames = names
    }

    /// `application/json`, in any case, with or without parameters such as `charset=utf-8`.
    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }
        return mediaType.lowercased() == Self.contentType
    }
}
