/// Lower-case hexadecimal, as config files and audit lines write hashes.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes(encode)
    }

    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        guard !bytes.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            write(bytes, into: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }

    /// Writes the `2 * bytes.count` digits of `bytes` at `buffer` (an audit line's hashes go
    /// straight into the line); returns how many it wrote.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawPointer) -> Int {
        digits.withUnsafeBufferPointer { digits in
            for (index, byte) in bytes.enumerated() {
                buffer.storeBytes(of: digits[Int(byte >> 4)], toByteOffset: 2 * index, as: UInt8.self)
                buffer.storeBytes(of: digits[Int(byte & 0x0F)], toByteOffset: 2 * index + 1, as: UInt8.self)
            }
        }
        return 2 * bytes.count
    }

    /// The bytes of `text` (either case), or `nil` if it is not an even run of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
