/// A metric family the registry renders: one `# HELP`/`# TYPE` block and its samples.
protocol MetricFamily: AnyObject, Sendable {
    var name: String { get }
    /// Appends the family's exposition text, ending in a newline.
    func render(into output: inout String)
}
