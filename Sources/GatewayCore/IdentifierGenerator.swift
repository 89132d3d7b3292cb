import GatewayCrypto
import Synchronization

/// Cheap unique 64-bit values for trace and span ids: SplitMix64 over an atomic counter that
/// starts at a random point. W3C trace context asks ids to be unique and random-looking, not
/// secret, so a system call per id (what `RAND_bytes` or `getrandom` cost) is not needed.
public enum IdentifierGenerator {
    private static let counter = Atomic<UInt64>(SecureRandom.bytes(8).withUnsafeBytes { $0.load(as: UInt64.self) })

    /// The next value; never the same twice within a process (the counter is 64-bit).
    public static func next() -> UInt64 {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` × 16 lower-case hex digits.
    public static func hex(words count: Int) -> String {
        String(unsafeUninitializedCapacity: 16 * count) { buffer in
            for word in 0..<count { write(next(), into: UnsafeMutableRawPointer(buffer.baseAddress!) + 16 * word) }
            return 16 * count
        }
    }

    /// Writes `value`'s 16 lower-case hex digits at `buffer`.
    static func write(_ value: UInt64, into buffer: UnsafeMutableRawPointer) {
        withUnsafeBytes(of: value.bigEndian) { _ = Hex.write($0, into: buffer) }
    }
}
