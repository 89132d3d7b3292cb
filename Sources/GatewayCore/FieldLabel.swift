/// What a clerk reads for one field of a department's data, in Chinese and English
/// (`sources[].labels`, README "The console for clerks"): the console shows it in place of the
/// raw JSON key (`right_holder` → 权利人 / Right holder), and the raw key on hover.
public struct FieldLabel: Sendable, Equatable {
    /// The field, written as views write paths: RFC 6901, with `*` as a whole segment for every
    /// element of an array (`/ownership/owners/*/name`).
    public var pointer: String
    public var chinese: String
    public var english: String

    public init(pointer: String, chinese: String, english: String) {
        self.pointer = pointer
        self.chinese = chinese
        self.english = english
    }
}
