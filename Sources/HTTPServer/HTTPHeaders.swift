/// A request's header fields as the bytes they arrived in, looked up by name on demand: a request
/// is asked for a handful of its headers, so none becomes a `String` until it is asked for, and
/// the whole set costs two allocations (the bytes and the fields' places in them) instead of two
/// strings per field. Names compare case-insensitively (ASCII), as HTTP's do.
public struct HTTPHeaders: Sendable {
    /// Where one field's name and value are in `bytes`.
    private struct Field: Sendable {
        let nameStart: Int32
        let nameCount: Int32
        let valueStart: Int32
        let valueCount: Int32
    }

    private var bytes: [UInt8] = []
    private var fields: [Field] = []

    public init() {}

    /// Headers from name/value pairs, in order.
    public init(_ pairs: [(name: String, value: String)]) {
        for (name, value) in pairs {
            append(name: Array(name.utf8), value: Array(value.utf8))
        }
    }

    /// Adds a field with `name` and `value` (their bytes, as received) after the others.
    mutating func append<Name: Collection<UInt8>, Value: Collection<UInt8>>(name: Name, value: Value) {
        let nameStart = bytes.count
        bytes += name
        let valueStart = bytes.count
        bytes += value
        fields.append(Field(nameStart: Int32(nameStart), nameCount: Int32(valueStart - nameStart),
                            valueStart: Int32(valueStart), valueCount: Int32(bytes.count - valueStart)))
    }

    /// Makes room for `fields` fields holding `bytes` bytes together.
    mutating func reserve(fields count: Int, bytes total: Int) {
        fields.reserveCapacity(count)
        bytes.reserveCapacity(total)
    }

    /// How many fields there are.
    public var count: Int { fields.count }

    /// The value of the first field named `name`.
    public func first(_ name: String) -> String? {
        fields.first { matches($0, name) }.map(value)
    }

    /// The values of every field named `name`, in the order received.
    public func values(_ name: String) -> [String] {
        fields.filter { matches($0, name) }.map(value)
    }

    /// How many fields are named `name`.
    public func count(_ name: String) -> Int {
        fields.count { matches($0, name) }
    }

    /// Every field as a name/value pair, names as received.
    public var pairs: [(name: String, value: String)] {
        fields.map { field in
            (String(decoding: bytes[Int(field.nameStart)..<Int(field.nameStart + field.nameCount)], as: UTF8.self), value(of: field))
        }
    }

    private func value(of field: Field) -> String {
        String(decoding: bytes[Int(field.valueStart)..<Int(field.valueStart + field.valueCount)], as: UTF8.self)
    }

    private func matches(_ field: Field, _ name: String) -> Bool {
        let count = Int(field.nameCount)
        guard count == name.utf8.count else { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            let stored = UnsafeBufferPointer(rebasing: bytes[Int(field.nameStart)..<Int(field.nameStart) + count])
            return name.utf8.withContiguousStorageIfAvailable { asked in
                (0..<count).allSatisfy { Self.folded(stored[$0]) == Self.folded(asked[$0]) }
            } ?? stored.elementsEqual(name.utf8) { Self.folded($0) == Self.folded($1) }
        }
    }

    /// An ASCII upper-case letter as lower case; any other byte as it is.
    private static func folded(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
