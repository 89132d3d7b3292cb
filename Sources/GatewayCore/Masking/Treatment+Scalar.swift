import GatewayJSON

/// A scalar of a department body, as a treatment sees it, whatever holds the body: a jansson
/// tree (`SourceView.apply(to:)`) or a writer that streams the body token by token.
public enum ViewScalar {
    /// A string's UTF-8 bytes, valid only for the call they are passed to.
    case string(UnsafeRawBufferPointer)
    case integer(Int)
    case real(Double)
    case bool
    case null
}

/// What a scalar is served as.
public enum ServedScalar: Sendable, Equatable {
    /// As the department sent it.
    case unchanged
    /// This string instead (a masked form, or `"***"`).
    case replaced(String)
}

extension Treatment {
    /// What `scalar` is served as under this treatment (README, Views).
    ///
    /// `null` stays `null` under every treatment (it reveals nothing). `clear` serves the value,
    /// but with `detectPII` a string has the personal data in it masked, an integer of 11 or more
    /// digits becomes its masked text when it is a personal number (`13812345678` →
    /// `"138****5678"`), a real of 17 or more integer digits becomes `"***"` (written out it
    /// would be `3.4150219880314026e+17`, an ID number's leading digits) and so does one below
    /// 1e-4 written with 10 or more digits, and any other real but an integral one below 1e10 is
    /// read as it is written (its shortest round-trip text, as `JSONWriter` writes it):
    /// `0.13812345678` becomes `"0.138****5678"`. A masking treatment
    /// fails closed: a string of the wrong shape, and any number or boolean, becomes `"***"`,
    /// except an integer under `hmac`, which is pseudonymised by its decimal text.
    public func served(_ scalar: ViewScalar, detectPII: Bool, hmacKey: [UInt8]?) -> ServedScalar {
        switch (self, scalar) {
        case (_, .null):
            return .unchanged
        case (.clear, .string(let bytes)):
            return detectPII ? (PIIDetector.masked(utf8: bytes).map(ServedScalar.replaced) ?? .unchanged) : .unchanged
        case (.clear, .integer(let integer)):
            return detectPII && integer.magnitude >= 10_000_000_000 ? Self.detected(String(integer)) : .unchanged
        case (.clear, .real(let real)):
            guard detectPII, !Self.isWrittenShort(real) else { return .unchanged }
            guard real.magnitude < 1e16 else { return .replaced(Self.failedValue) }
            let written = real.description
            return Self.isCutToExponent(written) ? .replaced(Self.failedValue) : Self.detected(written)
        case (.clear, .bool):
            return .unchanged
        case (_, .string(let bytes)):
            return .replaced(masked(text: String(decoding: bytes, as: UTF8.self), hmacKey: hmacKey))
        case (.hmac, .integer(let integer)):
            return .replaced(masked(text: String(integer), hmacKey: hmacKey))
        case (_, .integer), (_, .real), (_, .bool):
            return .replaced(Self.failedValue)
        }
    }

    /// Whether `real` is written with fewer digits than any personal number has, known without
    /// writing it: an integral real below 1e10 (at most 10 digits of the department's, the `.0`
    /// is the writer's), or one of at most 2 decimals below 1e7 (an amount, an area: at most 9
    /// digits; `hundredths / 100` is the double nearest that decimal, so its shortest text is no
    /// longer).
    private static func isWrittenShort(_ real: Double) -> Bool {
        let magnitude = real.magnitude
        return magnitude < 1e10 && real == real.rounded(.towardZero) || magnitude < 1e7 && (real * 100).rounded() / 100 == real
    }

    /// Whether `written`, a real below 1e-4, shows 10 or more significant digits before its
    /// exponent (`3.415021971081376e-05`): as for a real of 17 or more integer digits, those may be
    /// an ID number's leading digits with its last ones rounded away, which no rule can read.
    private static func isCutToExponent(_ written: String) -> Bool {
        guard let exponent = written.utf8.firstIndex(of: UInt8(ascii: "e")) else { return false }
        return written.utf8[..<exponent].count(where: \.isASCIIDigit) >= PIIDetector.shortestNumber
    }

    /// A number's text with the personal number in it masked, if it holds one.
    private static func detected(_ text: String) -> ServedScalar {
        var text = text
        return text.withUTF8 { PIIDetector.masked(utf8: UnsafeRawBufferPointer($0)) }.map(ServedScalar.replaced) ?? .unchanged
    }
}

extension Treatment {
    /// What a number is served as, given its text as the department sent it (`text`: JSON number
    /// grammar, an int64 when `isInteger`, else a finite double, as `JSONScanner` checked); the
    /// number itself, unchanged, is served as that text.
    ///
    /// Under `clear` with `detectPII`, the PII detector reads the text as sent, since that text is
    /// what a served number shows (`0.13812345678`, `341502198803140265e-8`); what the text does
    /// not show but its value may hide (an exponent form that cut an ID number's last digits, a
    /// tiny real written with a long fraction) then gets the value's rule of
    /// `served(_:detectPII:hmacKey:)` (README, Views). Other treatments follow the value's rule.
    public func served(number text: UnsafeRawBufferPointer, isInteger: Bool, detectPII: Bool, hmacKey: [UInt8]?) -> ServedScalar {
        guard self == .clear else {
            let value: ViewScalar = isInteger ? .integer(JSONScalar.integerValue(of: text)) : .real(JSONScalar.realValue(of: text))
            return served(value, detectPII: detectPII, hmacKey: hmacKey)
        }
        guard detectPII else { return .unchanged }
        if let masked = PIIDetector.masked(utf8: text) { return .replaced(masked) }
        // An integer's text is its decimal value: for an integer the detector has said it all.
        guard !isInteger, Self.mayHidePersonalNumber(text) else { return .unchanged }
        return served(.real(JSONScalar.realValue(of: text)), detectPII: true, hmacKey: hmacKey)
    }

    /// Whether the real written `text` may hide a personal number in its value: it has an
    /// exponent, or as many digits as the shortest personal number. Most reals (areas, shares,
    /// amounts) have neither, and are not read as a double at all.
    private static func mayHidePersonalNumber(_ text: UnsafeRawBufferPointer) -> Bool {
        var digits = 0
        for byte in text {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return true }
            if byte.isASCIIDigit { digits += 1 }
        }
        return digits >= PIIDetector.shortestNumber
    }
}
