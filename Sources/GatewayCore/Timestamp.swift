import Glibc

/// A wall-clock instant with millisecond precision, as dossiers and audit lines show it.
public struct Timestamp: Sendable, Hashable, Comparable {
    public let millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSince1970: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-29T12:00:00.123Z`.
    public var rfc3339: String {
        String(unsafeUninitializedCapacity: Self.maxRFC3339Bytes) { buffer in
            writeRFC3339(into: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }

    /// The most bytes `writeRFC3339` writes: 24, and more only for years past 9999.
    public static let maxRFC3339Bytes = 32

    /// Writes `rfc3339` at `buffer`, which has room for `maxRFC3339Bytes` (an audit line's time
    /// goes straight into the line); returns how many bytes it wrote.
    public func writeRFC3339(into buffer: UnsafeMutableRawPointer) -> Int {
        // Floor division, so instants before 1970 land in the right second.
        let (wholeSeconds, millis) = (millisecondsSince1970.floorDivided(by: 1000), millisecondsSince1970.floorModulo(1000))
        var seconds = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var offset = 0
        func put(_ byte: UInt8) {
            buffer.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
            offset += 1
        }
        /// `value` in decimal, zero-padded to `width` digits.
        func pad(_ value: Int, _ width: Int) {
            if value < 0 { put(UInt8(ascii: "-")) }
            var digits = 1, rest = value.magnitude / 10
            while rest > 0 { (digits, rest) = (digits + 1, rest / 10) }
            offset += max(width, digits)
            var place = offset, remaining = value.magnitude
            for _ in 0..<max(width, digits) {
                place -= 1
                buffer.storeBytes(of: UInt8(ascii: "0") + UInt8(remaining % 10), toByteOffset: place, as: UInt8.self)
                remaining /= 10
            }
        }
        pad(Int(parts.tm_year) + 1900, 4)
        put(UInt8(ascii: "-"))
        pad(Int(parts.tm_mon) + 1, 2)
        put(UInt8(ascii: "-"))
        pad(Int(parts.tm_mday), 2)
        put(UInt8(ascii: "T"))
        pad(Int(parts.tm_hour), 2)
        put(UInt8(ascii: ":"))
        pad(Int(parts.tm_min), 2)
        put(UInt8(ascii: ":"))
        pad(Int(parts.tm_sec), 2)
        put(UInt8(ascii: "."))
        pad(Int(millis), 3)
        put(UInt8(ascii: "Z"))
        return offset
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        (self - floorModulo(divisor)) / divisor
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
