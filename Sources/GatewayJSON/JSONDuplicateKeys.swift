import Glibc

/// The keys of the objects open during a scan, so that a key an object already has is refused,
/// compared as decoded bytes as jansson's `JSON_REJECT_DUPLICATES` compares them (`"a"` and
/// `"\u0061"` are the same key; `"a"` in two different objects is no duplicate).
///
/// An object's keys are searched one by one while it has few (department objects have a dozen
/// or two); from `linearLimit` keys on it gets a hash index, so that a hostile body with 100,000
/// keys in one object still costs linear time. The index hashes with the standard library's
/// `Hasher`, seeded per process, so a body cannot be built to collide.
@usableFromInline
struct JSONDuplicateKeys {
    /// The keys of every open object, innermost object last. The bytes are the scanner's (the
    /// body or its decoded strings), valid for the whole scan.
    @usableFromInline var keys: [UnsafeRawBufferPointer] = []
    @usableFromInline var objects: [OpenObject] = []

    @usableFromInline static let linearLimit = 16

    @usableFromInline
    struct OpenObject {
        /// Where its keys start in `keys`.
        @usableFromInline let firstKey: Int
        /// Open addressing over its keys: 0 is empty, otherwise an index in `keys` plus 1. Empty
        /// while the object has fewer than `linearLimit` keys.
        @usableFromInline var slots: [Int] = []

        @usableFromInline
        init(firstKey: Int) {
            self.firstKey = firstKey
        }
    }

    @inlinable
    init() {}

    @inlinable
    mutating func beginObject() {
        objects.append(OpenObject(firstKey: keys.count))
    }

    @inlinable
    mutating func endObject() {
        keys.removeSubrange(objects.removeLast().firstKey...)
    }

    /// Adds `key` to the innermost open object; false when it has that key already.
    @inlinable
    mutating func insert(_ key: UnsafeRawBufferPointer) -> Bool {
        let firstKey = objects[objects.count - 1].firstKey
        guard keys.count - firstKey >= Self.linearLimit else {
            for index in firstKey..<keys.count where Self.same(keys[index], key) { return false }
            keys.append(key)
            return true
        }
        return insertHashed(key)
    }

    @usableFromInline
    mutating func insertHashed(_ key: UnsafeRawBufferPointer) -> Bool {
        let object = objects.count - 1
        let count = keys.count - objects[object].firstKey
        // At most half full, so that probes stay short.
        if objects[object].slots.count < 2 * (count + 1) { rebuildIndex(of: object, for: count + 1) }
        guard let slot = emptySlot(for: key, in: object) else { return false }
        objects[object].slots[slot] = keys.count + 1
        keys.append(key)
        return true
    }

    /// The slot for `key` in the index of open object `object`, or nil when the object has it.
    @usableFromInline
    func emptySlot(for key: UnsafeRawBufferPointer, in object: Int) -> Int? {
        let slots = objects[object].slots
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while slots[slot] != 0 {
            if Self.same(keys[slots[slot] - 1], key) { return nil }
            slot = (slot + 1) & mask
        }
        return slot
    }

    /// A fresh index of open object `object`, a power of two at least four times `count`.
    @usableFromInline
    mutating func rebuildIndex(of object: Int, for count: Int) {
        objects[object].slots = Array(repeating: 0, count: 1 << (Int.bitWidth - (4 * count - 1).leadingZeroBitCount))
        for index in objects[object].firstKey..<keys.count {
            objects[object].slots[emptySlot(for: keys[index], in: object)!] = index + 1
        }
    }

    @usableFromInline
    static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return hasher.finalize()
    }

    @inlinable
    static func same(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Bool {
        first.count == second.count && (first.isEmpty || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0)
    }
}
