extension Duration {
    /// Whole milliseconds, as dossiers, audit lines and logs report latencies.
    public var wholeMilliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
