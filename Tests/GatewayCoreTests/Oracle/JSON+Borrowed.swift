import CJansson
@testable import GatewayJSON
import Glibc

// Borrowed values and in-place editing of jansson trees, which the view walk of `SourceView+Apply.swift` (the oracle
// of `ViewWriter`) was built on when it served bodies; the product no longer walks trees, so they live here with it.
extension JSON {
    /// A member or element lent by its container for the length of one call. Reading it makes
    /// no Swift object, which matters on the hot path (masking walks every value of every
    /// department's answer); `retained()` makes one when it must outlive the call.
    public struct Borrowed {
        let node: UnsafeMutablePointer<json_t>

        public var kind: Kind { Kind(of: node) }

        /// Calls `body` with a string's UTF-8 bytes; `nil` for other kinds.
        public func withUTF8Bytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result? {
            guard let bytes = json_string_value(node) else { return nil }
            return body(UnsafeRawBufferPointer(start: bytes, count: json_string_length(node)))
        }

        /// An owning `JSON` for this value.
        public func retained() -> JSON {
            JSON(borrowing: node)
        }

        /// See `JSON.forEachMember`.
        public func forEachMember(_ body: (_ key: UnsafeRawBufferPointer, _ value: Borrowed) -> Void) {
            var iterator = json_object_iter(node)
            while let current = iterator {
                let key = UnsafeRawBufferPointer(start: json_object_iter_key(current), count: json_object_iter_key_len(current))
                body(key, Borrowed(node: json_object_iter_value(current)))
                iterator = json_object_iter_next(node, current)
            }
        }

        /// See `JSON.forEachElement`.
        public func forEachElement(_ body: (_ index: Int, _ element: Borrowed) -> Void) {
            for index in 0..<json_array_size(node) {
                body(index, Borrowed(node: json_array_get(node, index)))
            }
        }
    }

    /// Calls `body` with each member of an object: its key's UTF-8 bytes and its value, both
    /// valid only during the call. `body` must not add or remove members of this object.
    ///
    /// The key's length is jansson's, not `strlen`'s: a key with a NUL inside (`"name\u0000x"`)
    /// is that whole key, never mistaken for `name`.
    public func forEachMember(_ body: (_ key: UnsafeRawBufferPointer, _ value: Borrowed) -> Void) {
        borrowed.forEachMember(body)
    }

    /// Calls `body` with each element of an array and its index, valid only during the call.
    public func forEachElement(_ body: (_ index: Int, _ element: Borrowed) -> Void) {
        borrowed.forEachElement(body)
    }
}
