import Testing
@testable import GatewayCore

/// Spellings of personal numbers and addresses that a department (or a clerk typing a purpose) can produce and
/// that a reader sees as the number itself: characters that print nothing between the digits, line breaks, every
/// Unicode dash, the compatibility forms of `.`, `(`, `)` and `@`, and an ID number without its check character.
struct PIIDetectorSpellingTests {
    /// `text` with a combining acute accent on every character (a masked digit keeps its mark).
    static func marked(_ text: String) -> String {
        text.map { "\($0)\u{301}" }.joined()
    }

    /// `text` as keycaps: each character, VS16 and U+20E3 COMBINING ENCLOSING KEYCAP.
    static func keycaps(_ text: String) -> String {
        text.map { "\($0)\u{FE0F}\u{20E3}" }.joined()
    }

    /// Characters that print nothing (zero-width spaces and joiners, the word joiner, BOM, soft hyphen, bidi
    /// marks, variation selectors, combining and enclosing marks, Hangul fillers, tags, C0 and C1 controls) are
    /// read as if they were not there: the digits around them are one number.
    @Test(arguments: [
        ("138\u{200B}1234\u{200B}5678", "138\u{200B}****\u{200B}5678"),
        ("138\u{200C}1234\u{200D}5678", "138\u{200C}****\u{200D}5678"),
        ("138\u{2060}1234\u{FEFF}5678", "138\u{2060}****\u{FEFF}5678"),
        ("138\u{AD}1234\u{AD}5678", "138\u{AD}****\u{AD}5678"),
        ("138\u{200E}1234\u{202A}5678\u{202C}", "138\u{200E}****\u{202A}5678\u{202C}"),
        ("138\u{FE0F}1234\u{E0020}5678", "138\u{FE0F}****\u{E0020}5678"),
        ("138\u{3164}1234\u{115F}5678", "138\u{3164}****\u{115F}5678"),
        ("138\u{1}1234\u{7F}5678", "138\u{1}****\u{7F}5678"),
        ("138\u{9F}1234\u{180E}5678", "138\u{9F}****\u{180E}5678"),
        // Four in a row are no more a sentence than one.
        ("138\u{200B}\u{200B}\u{200B}\u{200B}12345678", "138\u{200B}\u{200B}\u{200B}\u{200B}****5678"),
        // Combining marks on every digit; keycaps.
        (marked("13812345678"), marked("138****5678")),
        (keycaps("13812345678"), keycaps("138****5678")),
        ("341502\u{200B}19880314\u{200B}0265", "341502\u{200B}********\u{200B}0265"),
        ("34150319680905017\u{200B}X", "341503********017\u{200B}X"),
    ])
    func invisibleCharactersBetweenDigits(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// Line breaks and the other Unicode white space separate groups of digits as a space does.
    @Test(arguments: [
        ("138\n1234\n5678", "138\n****\n5678"),
        ("电话：138\r\n1234\r\n5678", "电话：138\r\n****\r\n5678"),
        ("138\u{B}1234\u{C}5678", "138\u{B}****\u{C}5678"),
        ("138\u{85}1234\u{2028}5678\u{2029}", "138\u{85}****\u{2028}5678\u{2029}"),
        ("341502\n19880314\n0265", "341502\n********\n0265"),
    ])
    func lineBreaksBetweenDigits(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// Every Unicode dash (general category Pd) and the compatibility forms of `-`, `.`, `(`, `)` and `@` (NFKC
    /// maps them to those) are what they stand for.
    @Test(arguments: [
        ("138\u{2E3A}1234\u{2E3B}5678", "138\u{2E3A}****\u{2E3B}5678"),
        ("138〜1234〰5678", "138〜****〰5678"),
        ("138゠1234\u{FE31}5678", "138゠****\u{FE31}5678"),
        ("138\u{58A}1234\u{5BE}5678", "138\u{58A}****\u{5BE}5678"),
        ("138\u{1806}1234\u{2E17}5678", "138\u{1806}****\u{2E17}5678"),
        ("138\u{207B}1234\u{208B}5678", "138\u{207B}****\u{208B}5678"),
        ("138﹒1234․5678", "138﹒****․5678"),
        ("﹙0564﹚3331234", "﹙0564﹚*****34"),
        ("⁽0564⁾3331234", "⁽0564⁾*****34"),
        ("︵0564︶3331234", "︵0564︶*****34"),
        ("zhangsan﹫example.com", "z***@***.com"),
        ("zhangsan@example﹒com", "z***@***.com"),
    ])
    func everyDashDotBracketAndAt(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// An e-mail address with characters that print nothing inside it is still one address, masked whole.
    @Test(arguments: [
        ("zhang\u{200B}san@exam\u{200B}ple.com", "z***@***.com"),
        ("联系zhangsan@example\u{200D}.com。", "联系z***@***.com。"),
        ("zhangsan@example.c\u{AD}om", "z***@***.com"),
    ])
    func invisibleCharactersInEmails(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// The first 17 digits of an ID number are the whole of it (the 18th is computed from them): 17 digits whose
    /// birth date is a date are masked as an ID number, whatever follows them (no check character, a letter that
    /// is no X, the Roman numeral Ⅹ, ×, Cyrillic Х, or the decimal digits a real is written with).
    @Test(arguments: [
        ("34150319680905017", "341503********017"),
        ("身份证34150319680905017Y号", "身份证341503********017Y号"),
        ("34150319680905017Ⅹ", "341503********017Ⅹ"),
        ("34150319680905017×", "341503********017×"),
        ("34150319680905017Х", "341503********017Х"),
        ("341502 19880314 026", "341502 ******** 026"),
        ("3.4150219880314026e-05", "3.41502********026e-05"),
    ])
    func seventeenDigitsOfAnIDNumber(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// 17 digits without a birth date where an ID number has one are no ID number: codes stay as they are.
    @Test(arguments: ["33415032404005231", "20250310091532123", "34150220231315001", "2025-03-10T09:15:32.123+08:00"])
    func seventeenDigitsWithoutABirthDate(_ text: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == text)
    }

    /// What the folding makes of the characters above: nothing (ignored), a space, a dash, a dot, a bracket, `@`.
    @Test(arguments: [
        (0x200B, PIIDetector.ignored), (0x200D, PIIDetector.ignored), (0x00AD, PIIDetector.ignored), (0x0301, PIIDetector.ignored),
        (0x20E3, PIIDetector.ignored), (0xFE0F, PIIDetector.ignored), (0x3164, PIIDetector.ignored), (0x9F, PIIDetector.ignored),
        (0x85, UInt8(ascii: " ")), (0x2028, UInt8(ascii: " ")), (0x2E3A, UInt8(ascii: "-")), (0x301C, UInt8(ascii: "-")),
        (0x207B, UInt8(ascii: "-")), (0xFE52, UInt8(ascii: ".")), (0x2024, UInt8(ascii: ".")), (0xFE59, UInt8(ascii: "(")),
        (0xFE36, UInt8(ascii: ")")), (0xFE6B, UInt8(ascii: "@")),
    ] as [(UInt32, UInt8)])
    func folding(_ scalar: UInt32, _ expected: UInt8) {
        #expect(PIIDetector.folded(scalar) == expected)
    }

    /// Chinese text and punctuation stay "other", as before: no digit, no separator.
    @Test(arguments: [0x4E2D, 0x3002, 0x3001, 0x00B7, 0x201C, 0x2026, 0x30FB] as [UInt32])
    func stillOther(_ scalar: UInt32) {
        #expect(PIIDetector.folded(scalar) == 0)
    }
}
