/// How a department's body is read when it is served (`ViewWriter`): through the caller's view
/// of its source, capturing the values the consistency checks read in it.
public struct SourceReading: Sendable {
    /// `nil`: served as sent, with nothing withheld or noted (an answer that is not a department's).
    public let view: SourceView?
    public let captures: CheckCaptures

    public init(view: SourceView?, captures: CheckCaptures) {
        self.view = view
        self.captures = captures
    }

    /// As sent: what a one-off fetch wants of a JSON answer.
    public static let asSent = SourceReading(view: nil, captures: .none)
}
