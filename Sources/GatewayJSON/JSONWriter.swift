import CJansson
import Glibc

/// Writes a jansson tree as JSON text in one walk, straight into a byte array.
///
/// jansson's own `json_dumpb` costs about a quarter of a dossier's CPU: for every object and
/// array it formats the node's address with `snprintf` and records it in a hash table to detect
/// cycles, and it formats every real with `snprintf`. This writer skips that, copies strings
/// that need no escaping in one piece and writes reals in their shortest round-trip form.
///
/// Precondition: the tree has no cycles. jansson only refuses a container added to itself, so
/// this rests on the callers, which build trees from fresh containers and parsed text and never
/// add a container below one of its own members.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private let indentWidth: Int

    /// - Parameter indentWidth: 0 for compact text; otherwise members and elements go on their
    ///   own lines, indented this many spaces per level, with `": "` after keys.
    init(indentWidth: Int) {
        self.indentWidth = indentWidth
        bytes.reserveCapacity(1024)
    }

    mutating func write(_ node: UnsafeMutablePointer<json_t>, depth: Int = 0) {
        switch eg_json_typeof(node) {
        case JSON_OBJECT:
            writeObject(node, depth: depth)
        case JSON_ARRAY:
            writeArray(node, depth: depth)
        case JSON_STRING:
            JSONOutput.appendQuoted(UnsafeRawBufferPointer(start: json_string_value(node), count: json_string_length(node)), to: &bytes)
        case JSON_INTEGER:
            append(String(json_integer_value(node)))
        case JSON_REAL:
            writeReal(json_real_value(node))
        case JSON_TRUE:
            append("true")
        case JSON_FALSE:
            append("false")
        default:
            append("null")
        }
    }

    private mutating func writeObject(_ node: UnsafeMutablePointer<json_t>, depth: Int) {
        bytes.append(UInt8(ascii: "{"))
        var iterator = json_object_iter(node)
        var first = true
        while let current = iterator {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            newline(depth: depth + 1)
            JSONOutput.appendQuoted(UnsafeRawBufferPointer(start: json_object_iter_key(current), count: json_object_iter_key_len(current)),
                                    to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            if indentWidth > 0 { bytes.append(UInt8(ascii: " ")) }
            write(json_object_iter_value(current), depth: depth + 1)
            iterator = json_object_iter_next(node, current)
        }
        if !first { newline(depth: depth) }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeArray(_ node: UnsafeMutablePointer<json_t>, depth: Int) {
        bytes.append(UInt8(ascii: "["))
        let count = json_array_size(node)
        for index in 0..<count {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline(depth: depth + 1)
            write(json_array_get(node, index), depth: depth + 1)
        }
        if count > 0 { newline(depth: depth) }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func newline(depth: Int) {
        guard indentWidth > 0 else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * indentWidth))
    }

    /// The shortest text that reads back as the same double, always with a `.` or exponent so
    /// that it stays a real (`89.7`, `1.0`, `1e+16`). jansson never holds NaN or infinity.
    private mutating func writeReal(_ value: Double) {
        append(value.description)
    }

    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }
}
