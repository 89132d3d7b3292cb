import GatewayCore

/// One call to make: the request, and the template of its source's handles, made from the same
/// source settings (`SourceTemplate(source:)` and `SourceConfig.request(for:deadline:headers:)`).
public struct UpstreamCall: Sendable {
    public let request: UpstreamRequest
    public let template: SourceTemplate

    public init(request: UpstreamRequest, template: SourceTemplate) {
        self.request = request
        self.template = template
    }
}
