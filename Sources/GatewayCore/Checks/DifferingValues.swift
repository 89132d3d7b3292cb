/// Which of a violated check's compared values differ from the others: what tells the clerk
/// which department is the odd one out (`differing_sources`, README "Findings"), without
/// showing any value. A pure function of the compared values, so it holds however the
/// checks come to read them.
enum DifferingValues {
    /// The positions of the values that differ from the agreeing ones, in ascending order.
    ///
    /// With a `reference` (the property id the clerk asked for, which is right by definition)
    /// every value unlike it differs. Otherwise the agreeing values are the ones more than half
    /// of the values share; when no value is shared by more than half (two values that
    /// disagree, three that all differ) nothing can be singled out and the answer is empty.
    /// - Parameters:
    ///   - keys: one key per compared value, in operand order; equal keys mean values the
    ///     comparison counts as the same.
    ///   - reference: the position of the authoritative value, if one is among them.
    static func positions<Key: Equatable>(of keys: [Key], reference: Int?) -> [Int] {
        let agreeing: Key
        if let reference {
            agreeing = keys[reference]
        } else {
            guard let majority = keys.first(where: { key in keys.count(where: { $0 == key }) * 2 > keys.count }) else { return [] }
            agreeing = majority
        }
        return keys.indices.filter { keys[$0] != agreeing }
    }
}
