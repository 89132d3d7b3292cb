import Glibc

/// The keys of the objects open during a scan, so that a key an object already has is refused,
/// compared as decoded bytes as jansson's `JSON_REJECT_DUPLICATES` compares them (`"a"` and
/// `"\u0061"` are the same key; `"a"` in two different objects is no duplicate).
///
/// An object's keys are compared one by one while it has fewer than `linearLimit` (department
/// objects have a dozen or two), by a tag of length, first and last byte before any byte
/// comparison. From `linearLimit` keys on the object gets a hash index, so that a hostile body with
/// 100,000 keys in one object still costs linear time; the index hashes with the standard
/// library's `Hasher`, seeded per process, so a body cannot be built to collide.
@usableFromInline
struct JSONDuplicateKeys {
    @usableFromInline
    struct Key {
        @usableFromInline let tag: Int
        /// The scanner's bytes (the body or its decoded strings), valid for the whole scan.
        @usableFromInline let bytes: UnsafeRawBufferPointer

        @inlinable
        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
            tag = bytes.isEmpty ? 0 : bytes.count << 16 | Int(bytes[0]) << 8 | Int(bytes[bytes.count - 1])
        }
    }

    /// The keys of every open object, innermost object last.
    @usableFromInline var keys: [Key] = []
    /// Where each open object's keys start in `keys`, innermost last.
    @usableFromInline var firstKeys: [Int] = []
    /// The hash indexes of the open objects that have `linearLimit` keys or more, innermost last:
    /// which open object (its place in `firstKeys`), and open addressing over its keys (0 is
    /// empty, otherwise a place in `keys` plus 1).
    @usableFromInline var indexes: [(object: Int, slots: [Int])] = []

    @usableFromInline static let linearLimit = 32

    /// Room for the keys of a typical body from the start, so that the arrays seldom grow.
    @inlinable
    init() {
        keys.reserveCapacity(64)
        firstKeys.reserveCapacity(16)
    }

    @inlinable
    mutating func beginObject() {
        firstKeys.append(keys.count)
    }

    @inlinable
    mutating func endObject() {
        let firstKey = firstKeys.removeLast()
        while keys.count > firstKey { keys.removeLast() }
        if indexes.last?.object == firstKeys.count { indexes.removeLast() }
    }

    /// Adds `key` to the innermost open object; false when it has that key already.
    @inlinable
    mutating func insert(_ key: UnsafeRawBufferPointer) -> Bool {
        let new = Key(key)
        let firstKey = firstKeys[firstKeys.count - 1]
        guard keys.count - firstKey >= Self.linearLimit else {
            for index in firstKey..<keys.count where keys[index].tag == new.tag && Self.same(keys[index].bytes, key) {
                return false
            }
            keys.append(new)
            return true
        }
        return insertIndexed(new)
    }

    @usableFromInline
    mutating func insertIndexed(_ key: Key) -> Bool {
        let object = firstKeys.count - 1
        let count = keys.count - firstKeys[object]
        if indexes.last?.object != object { indexes.append((object, [])) }
        // At most half full, so that probes stay short.
        if indexes[indexes.count - 1].slots.count < 2 * (count + 1) { rebuildIndex(for: count + 1) }
        guard let slot = emptySlot(for: key.bytes) else { return false }
        indexes[indexes.count - 1].slots[slot] = keys.count + 1
        keys.append(key)
        return true
    }

    /// The slot for `key` in the innermost index, or nil when its object has the key.
    @usableFromInline
    func emptySlot(for key: UnsafeRawBufferPointer) -> Int? {
        let slots = indexes[indexes.count - 1].slots
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while slots[slot] != 0 {
            if Self.same(keys[slots[slot] - 1].bytes, key) { return nil }
            slot = (slot + 1) & mask
        }
        return slot
    }

    /// A fresh innermost index, a power of two at least four times `count`, with the keys of its
    /// object so far.
    @usableFromInline
    mutating func rebuildIndex(for count: Int) {
        indexes[indexes.count - 1].slots = Array(repeating: 0, count: 1 << (Int.bitWidth - (4 * count - 1).leadingZeroBitCount))
        for index in firstKeys[indexes[indexes.count - 1].object]..<keys.count {
            indexes[indexes.count - 1].slots[emptySlot(for: keys[index].bytes)!] = index + 1
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
