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
    /// `"138****5678"`), and a real of 17 or more integer digits becomes `"***"` (written out it
    /// would be `3.4150219880314026e+17`, an ID number's leading digits). A masking treatment
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
            guard detectPII, real.magnitude >= 1e10 else { return .unchanged }
            return real.magnitude >= 1e16 ? .replaced(Self.failedValue) : Self.detected(real.description)
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

    /// A number's text with the personal number in it masked, if it holds one.
    private static func detected(_ text: String) -> ServedScalar {
        let masked = PIIDetector.maskEmbedded(in: text)
        return masked == text ? .unchanged : .replaced(masked)
    }
}

extension Treatment {
    /// What a number is served as, given its text as the department sent it (`text`: JSON number
    /// grammar, an int64 when `isInteger`, else a finite double, as `JSONScanner` checked); the
    /// number itself, unchanged, is served as that text.
    ///
    /// The rule of `served(_:detectPII:hmacKey:)` on its value, and under `clear` with `detectPII`
    /// the PII detector on the text as sent too, since that text is what a served number shows:
    /// `0.13812345678` or `341502198803140265e-8` hold a personal number whatever their value
    /// (README, Views).
    public func served(number text: UnsafeRawBufferPointer, isInteger: Bool, detectPII: Bool, hmacKey: [UInt8]?) -> ServedScalar {
        guard self == .clear else {
            let value: ViewScalar = isInteger ? .integer(JSONScalar.integerValue(of: text)) : .real(JSONScalar.realValue(of: text))
            return served(value, detectPII: detectPII, hmacKey: hmacKey)
        }
        guard detectPII else { return .unchanged }
        // An integer's text is its decimal value: for an integer the value's rule is this detection.
        if !isInteger, Self.mayReach1e10(text) {
            let byValue = served(.real(JSONScalar.realValue(of: text)), detectPII: true, hmacKey: hmacKey)
            if byValue != .unchanged { return byValue }
        }
        return PIIDetector.masked(utf8: text).map(ServedScalar.replaced) ?? .unchanged
    }

    /// Whether the real written `text` may be 1e10 or more in magnitude: it has an exponent, or
    /// more than ten digits before its point. Most reals (areas, shares, amounts) have neither,
    /// and are not read as a double at all.
    private static func mayReach1e10(_ text: UnsafeRawBufferPointer) -> Bool {
        var integerDigits = 0, inFraction = false
        for byte in text {
            switch byte {
            case UInt8(ascii: "e"), UInt8(ascii: "E"): return true
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "-"): continue
            default: if !inFraction { integerDigits += 1 }
            }
        }
        return integerDigits > 10
    }
}
