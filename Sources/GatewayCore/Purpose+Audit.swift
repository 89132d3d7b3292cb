extension Purpose {
    /// A validated purpose as the audit log keeps it: the case reference stays, an ID card or
    /// phone number typed into it does not (`核查 341502198803140265` is kept as
    /// `核查 341502********0265`), since the log is kept for years and read by many.
    public static func audited(_ validated: String) -> String {
        PIIDetector.maskEmbedded(in: validated)
    }
}
