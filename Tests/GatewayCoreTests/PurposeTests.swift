import Testing
import GatewayCore

struct PurposeTests {
    /// 1–200 printable characters (ASCII, Chinese, spaces, by character not byte) within 600 bytes,
    /// with a letter or digit, are accepted unchanged.
    @Test(arguments: [
        "a",
        "7",
        "Ⅻ",
        "case 2026-0042",
        "登记案件 2026-0042",
        "  spaces around and inside  ",
        "不动产登记 / 抵押核查 (第3号)",
        "👨‍👩‍👧 family",
        String(repeating: "案", count: 200),
        String(repeating: "x", count: 200),
        "👨‍👩‍👧 " + String(repeating: "x", count: 100),
    ])
    func accepts(_ purpose: String) throws {
        #expect(try Purpose.validated(purpose) == purpose)
    }

    /// The documented maxima are 200 characters and 600 bytes (200 Chinese characters).
    @Test func maximumLength() {
        #expect(Purpose.maximumLength == 200)
        #expect(Purpose.maximumBytes == 600)
        #expect(String(repeating: "案", count: 200).utf8.count == 600)
    }

    /// A missing or empty X-Purpose is a 400 missing-purpose problem.
    @Test(arguments: [nil, ""] as [String?])
    func missing(_ header: String?) throws {
        let problem = try #require(throws: Problem.self) { try Purpose.validated(header) }
        #expect(problem.kind == "missing-purpose")
        #expect(problem.status == 400)
        #expect(problem.type == "urn:exchange-gateway:problem:missing-purpose")
    }

    /// Too long (characters or bytes), holding a control or format character (C0, DEL, C1, zero-width
    /// space, BOM) or U+FFFD (undecodable bytes), or without a visible letter or digit, is a 400 invalid-purpose problem.
    @Test(arguments: [
        String(repeating: "x", count: 201),
        String(repeating: "案", count: 201),
        "case\t42",
        "case\n42",
        "case\r\n42",
        "case 42\n",
        "\u{0}",
        "case\u{1B}[31m42",
        "case\u{7F}42",
        "case\u{80}42",
        "case\u{85}42",
        "case\u{9F}42",
        "case\u{FFFD}42",
        String(repeating: "案", count: 199) + "\n",
        " ",
        "   ",
        "\u{3000}",
        "\u{3000}\u{3000}",
        "\u{A0}",
        " \u{A0}\u{3000}\u{2003} ",
        // 200 characters but 3,600 bytes; 1 character of 601 bytes (a letter under 300 combining marks).
        String(repeating: "👨‍👩‍👧", count: 200),
        "a" + String(repeating: "\u{0301}", count: 300),
        // No visible letter or digit: invisible fillers, blank Braille, joiners, punctuation, emoji.
        "\u{3164}",
        "\u{3164}\u{3164}\u{3164}",
        "\u{2800}\u{2800}",
        "\u{200D}",
        "\u{200C}\u{200D}\u{200C}",
        "\u{115F}\u{1160}\u{FFA0}",
        "-/.",
        "👨‍👩‍👧",
        // A format character anywhere, also next to real text.
        "case\u{200B}42",
        "case\u{2060}42",
        "\u{FEFF}case",
    ])
    func invalid(_ header: String) throws {
        let problem = try #require(throws: Problem.self) { try Purpose.validated(header) }
        #expect(problem.kind == "invalid-purpose")
        #expect(problem.status == 400)
        #expect(problem.detail.contains("200"))
    }
}

struct PurposeLineBreakTests {
    /// Unicode line/paragraph separators and bidi overrides are not printable either: they can forge or
    /// reorder lines of the audit log, so they should be refused like the C0/C1 controls.
    @Test(arguments: ["case\u{2028}42", "case\u{2029}42", "case\u{202E}24"])
    func nonPrintableFormatCharacters(_ header: String) throws {
        let problem = try #require(throws: Problem.self) { try Purpose.validated(header) }
        #expect(problem.kind == "invalid-purpose")
    }
}

struct PurposeAuditTests {
    /// A purpose that passes validation keeps no personal number in the audit log, however it is spelled: joiners,
    /// combining marks, variation selectors and Hangul fillers (all accepted in a purpose) between its digits,
    /// Unicode dashes and compatibility dots, full-width and other digits, an ID number without its check character,
    /// an e-mail address with a small `@`. The case reference stays.
    @Test(arguments: [
        ("核查 138\u{200D}1234\u{200D}5678", "核查 138\u{200D}****\u{200D}5678"),
        ("核查 138\u{200C}1234\u{200C}5678", "核查 138\u{200C}****\u{200C}5678"),
        ("案 2026-0042 电话 1\u{301}3\u{301}8\u{301}12345678", "案 2026-0042 电话 1\u{301}3\u{301}8\u{301}****5678"),
        ("案 2026-0042 138\u{FE0F}1234\u{FE0F}5678", "案 2026-0042 138\u{FE0F}****\u{FE0F}5678"),
        ("核查 138\u{3164}1234\u{3164}5678", "核查 138\u{3164}****\u{3164}5678"),
        ("核查 138⸺1234⸺5678", "核查 138⸺****⸺5678"),
        ("核查 138﹒1234﹒5678", "核查 138﹒****﹒5678"),
        ("核查 ３４１５０３１９６８０９０５０１７", "核查 ３４１５０３********０１７"),
        ("核查 34150319680905017Ⅹ", "核查 341503********017Ⅹ"),
        ("联系 zhangsan﹫example.com", "联系 z***@***.com"),
        ("退款 卡号 6222\u{200C}0212\u{200C}3456\u{200C}7890\u{200C}128", "退款 卡号 ****\u{200C}****\u{200C}****\u{200C}***0\u{200C}128"),
        ("回电 ０５６４－３３３１２３４", "回电 ０５６４－*****３４"),
        ("案 2026-0042 旧证 340102900101123", "案 2026-0042 旧证 340102******123"),
    ])
    func auditedPurposeMasksEverySpelling(_ header: String, _ audited: String) throws {
        #expect(Purpose.audited(try Purpose.validated(header)) == audited)
    }
}
