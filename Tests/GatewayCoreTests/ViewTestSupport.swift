import GatewayCore
import GatewayJSON
import Testing

/// `entries` as the paths of one view, in order.
func viewPaths(_ entries: KeyValuePairs<String, Treatment>) throws -> ViewPaths {
    try ViewPaths(entries.map { (path: try ViewPath($0.key), treatment: $0.value) })
}

extension ViewTrie {
    /// The node of the view path written `text`, if the trie has it.
    func node(named text: String) throws -> Node? {
        node(at: try ViewPath(text))
    }
}

/// `text` (a department body) served through `view` (`ViewWriter`): the served data as JSON text, and what the view
/// reported.
func applied(_ text: String, _ view: SourceView) throws -> (body: String, result: ViewResult) {
    let outcome = SourceOutcome.answered(text, view: view)
    var result = ViewResult()
    result.withheld = outcome.withheld
    result.drift = outcome.drift
    return (String(decoding: try #require(outcome.data, "refused: \(outcome.error ?? "")"), as: UTF8.self), result)
}

/// What `view` does at the path written `text`; `nil` when no view of its source names that path.
func entry(_ view: SourceView, _ text: String) throws -> ViewEntry? {
    try view.trie.node(named: text).map(view.entry)
}
