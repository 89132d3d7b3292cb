/// Request ids: a caller's `X-Request-Id` when it is safe to echo and log, else a new ULID.
public enum RequestID {
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A ULID-shaped id: 48 bits of milliseconds and 80 unique bits in Crockford base 32, so ids sort by time.
    public static func generate(at time: Timestamp = .now()) -> String {
        let high = UInt64(truncatingIfNeeded: time.millisecondsSince1970) << 16 | (IdentifierGenerator.next() & 0xFFFF)
        let low = IdentifierGenerator.next()
        var characters = [UInt8](repeating: 0, count: 26)
        // 128 bits as 26 five-bit digits: the first digit holds the top 3 bits.
        for index in 0..<26 {
            let shift = (25 - index) * 5
            let digit: UInt64
            if shift >= 64 {
                digit = high >> (shift - 64)
            } else if shift > 59 {
                digit = (high << (64 - shift)) | (low >> shift)
            } else {
                digit = low >> shift
            }
            characters[index] = crockford[Int(digit & 0x1F)]
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The caller's `X-Request-Id` when it may be echoed, sent to the departments and kept in the
    /// audit log: `accepted`, and holding no personal data (`PIIDetector`). A desk that puts a
    /// citizen's ID card or phone number into its request ids gets a new id instead, as the log is
    /// kept for years and read by many (README "The dossier").
    public static func fromCaller(_ header: String?) -> String? {
        guard let id = accepted(header) else { return nil }
        return PIIDetector.maskEmbedded(in: id) == id ? id : nil
    }

    /// The caller's id if it is 1–128 characters of `[A-Za-z0-9._:-]`, else `nil`.
    public static func accepted(_ candidate: String?) -> String? {
        guard let candidate, (1...128).contains(candidate.utf8.count),
              candidate.utf8.allSatisfy({ $0.isASCIIAlphanumeric || "._:-".utf8.contains($0) })
        else { return nil }
        return candidate
    }
}
