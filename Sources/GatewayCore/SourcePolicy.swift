/// Whether a dossier is any use to the clerk without this source (`sources[].policy`).
public enum SourcePolicy: String, Sendable, Equatable, CaseIterable {
    /// The dossier fails (404/504/502) when this source fails, even if others answered.
    case required
    /// The SPEC's rule: the dossier is 200 while at least one source is ok.
    case optional
}
