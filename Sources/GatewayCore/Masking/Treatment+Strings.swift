import GatewayCrypto

/// The masking transforms of one text value. Each checks the value's shape first and answers
/// `"***"` when it does not match: a value that is not what the treatment expects is never
/// passed through, however close it is.
extension Treatment {
    /// The masked form of `text` under this treatment. `clear` and `redact` never reach here
    /// (the one is served as it is, the other removed), but answer `"***"` if they do.
    func masked(text: String, hmacKey: [UInt8]?) -> String {
        let masked: String? = switch self {
        case .idCard: Self.maskedIDCard(text)
        case .phone: Self.maskedPhone(text)
        case .name: Self.maskedName(text)
        case .email: Self.maskedEmail(text)
        case .address: Self.maskedAddress(text)
        case .bankCard: Self.maskedBankCard(text)
        case .uscc: Self.maskedUSCC(text)
        case .hmac: Self.pseudonym(text, hmacKey: hmacKey)
        case .clear, .redact: nil
        }
        return masked ?? Self.failedValue
    }

    // MARK: id_card

    /// 18 characters (17 digits and a digit or X) keep 6 + 8 `*` + 4; 15 digits (the old form)
    /// keep 6 + 6 `*` + 3. The check digit is not verified: a field named id_card is masked
    /// whatever its check digit says.
    static func maskedIDCard(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.count == 18, bytes.prefix(17).allSatisfy(\.isASCIIDigit), bytes[17].isASCIIDigit || bytes[17].isLetterX {
            return keeping(bytes, first: 6, last: 4)
        }
        if bytes.count == 15, bytes.allSatisfy(\.isASCIIDigit) {
            return keeping(bytes, first: 6, last: 3)
        }
        return nil
    }

    // MARK: phone

    /// A mobile number: 11 digits starting with 1, once spaces, hyphens and a `+86` or `86`
    /// country prefix are gone. Landlines are not recognised and so fail closed.
    static func maskedPhone(_ text: String) -> String? {
        var bytes = text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        if bytes.starts(with: "+86".utf8) {
            bytes.removeFirst(3)
        } else if bytes.count == 13, bytes.starts(with: "86".utf8) {
            bytes.removeFirst(2)
        }
        guard bytes.count == 11, bytes.first == UInt8(ascii: "1"), bytes.allSatisfy(\.isASCIIDigit) else { return nil }
        return keeping(bytes, first: 3, last: 4)
    }

    // MARK: name

    /// Names longer than this are not names (perhaps a whole sentence in the wrong field).
    static let maximumNameLength = 32

    /// First character and one `*` per further character, counted in Characters so that
    /// 欧阳娜娜 becomes 欧*** and not a cut UTF-8 sequence.
    static func maskedName(_ text: String) -> String? {
        let count = text.count
        guard let first = text.first, count <= maximumNameLength else { return nil }
        if count == 1 { return "*" }
        return String(first) + String(repeating: "*", count: count - 1)
    }

    // MARK: email

    /// `local@domain.tld` keeps the first character of the local part and the top-level label:
    /// `z***@***.com`. Anything with whitespace, no dot in the domain, an empty label, a top-level
    /// label that is not all letters (`com;13812345678`, `13812345678`) or not exactly one `@`
    /// is no e-mail address.
    static func maskedEmail(_ text: String) -> String? {
        guard !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains(where: isControl) }) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = parts[0].first else { return nil }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let topLevel = labels.last, topLevel.count <= 63,
              topLevel.allSatisfy(\.isLetter)
        else { return nil }
        return "\(first)***@***.\(topLevel)"
    }

    // MARK: address

    /// A district or county marker is searched for within this many characters: the longest
    /// mainland prefix (甘肃省临夏回族自治州积石山保安族东乡族撒拉族自治县) has 25.
    static let districtSearchLength = 25
    /// A city marker is searched for within this many characters (SPEC).
    static let citySearchLength = 12

    /// Keeps the administrative prefix through the first 区, 县 or 旗 (or, without one, through
    /// the last 市 in the first 12 characters) and replaces the rest with `****`.
    ///
    /// Fail-closed refinements: 区 of 自治区 is province-level and the search goes on; a
    /// prefix holding a digit, a street or building word (路, 街, 巷, 弄, 号, 栋, 幢, 楼, 室) or
    /// 小区 is no administrative prefix (东区 in `梧桐苑东区5栋` is a block of a housing estate),
    /// so the shorter city prefix is tried and then `"***"`. A real district such as 路桥区 then
    /// shows only its city: less than allowed, never more.
    static func maskedAddress(_ text: String) -> String? {
        // One more than searched, to see whether a 市 is followed by 场.
        let characters = Array(text.prefix(districtSearchLength + 1))
        var index = 0
        while index < min(characters.count, districtSearchLength) {
            defer { index += 1 }
            let character = characters[index]
            guard character == "区" || character == "县" || character == "旗" else { continue }
            if character == "区", index >= 2, characters[index - 2] == "自", characters[index - 1] == "治" { continue }
            let prefix = characters[...index]
            if isAdministrative(prefix) { return String(prefix) + "****" }
            break
        }
        // 市 of 市场 (a market) is no city.
        let isCity = { (index: Int) in characters[index] == "市" && characters.dropFirst(index + 1).first != "场" }
        if let city = characters.prefix(citySearchLength).indices.last(where: isCity) {
            let prefix = characters[...city]
            if isAdministrative(prefix) { return String(prefix) + "****" }
        }
        return nil
    }

    private static let streetWords: Set<Character> = ["路", "街", "巷", "弄", "号", "號", "栋", "幢", "楼", "室"]

    private static func isAdministrative(_ prefix: ArraySlice<Character>) -> Bool {
        guard prefix.count > 1 else { return false }
        for (offset, character) in zip(prefix.indices, prefix) {
            if character.isDecimalDigit || streetWords.contains(character) || character.isWhitespace { return false }
            if character == "区", offset > prefix.startIndex, prefix[offset - 1] == "小" { return false }
        }
        return true
    }

    // MARK: bank_card

    /// 12 to 19 digits, spaces allowed: one `*` per hidden digit, the last 4 kept.
    static func maskedBankCard(_ text: String) -> String? {
        let digits = text.utf8.filter { $0 != UInt8(ascii: " ") }
        guard (12...19).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return keeping(digits, first: 0, last: 4)
    }

    // MARK: uscc

    /// The characters GB 32100-2015 allows in a 统一社会信用代码 (no I, O, Z, S, V).
    private static let usccAlphabet = Set("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// 18 characters of the code's alphabet: the first 8 (registration authority, kind and
    /// region) kept, the 10 of the organisation code hidden.
    static func maskedUSCC(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 18, bytes.allSatisfy(usccAlphabet.contains) else { return nil }
        return keeping(bytes, first: 8, last: 0)
    }

    // MARK: hmac

    /// Hex characters of the HMAC kept: 128 bits, plenty for a pseudonym.
    static let pseudonymLength = 32

    /// `hmac-sha256:` and the first 32 hex characters of HMAC-SHA256(key, UTF-8 text). Without
    /// a key (or with an empty one, which anyone could recompute) there is no pseudonym.
    static func pseudonym(_ text: String, hmacKey: [UInt8]?) -> String? {
        guard let hmacKey, !hmacKey.isEmpty else { return nil }
        let digest = Digest.hmacSHA256(key: hmacKey, message: Array(text.utf8))
        return "hmac-sha256:" + Hex.encode(Array(digest.prefix(pseudonymLength / 2)))
    }

    // MARK: helpers

    /// `bytes` (ASCII) with all but the first `first` and last `last` replaced by `*`.
    static func keeping(_ bytes: [UInt8], first: Int, last: Int) -> String {
        var masked = bytes
        for index in first..<(bytes.count - last) { masked[index] = UInt8(ascii: "*") }
        return String(decoding: masked, as: UTF8.self)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}

extension Character {
    /// Any digit the PII detector reads as one (ASCII, fullwidth, superscript, circled, ...), but
    /// not 六 or 二, which are numbers in Unicode's eyes and common in place names.
    var isDecimalDigit: Bool {
        unicodeScalars.contains { PIIDetector.isDigit(PIIDetector.folded($0.value)) }
    }
}
