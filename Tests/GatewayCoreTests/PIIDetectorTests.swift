import Testing
@testable import GatewayCore

struct PIIDetectorTests {
    /// Personal numbers and addresses in every spelling the README lists, masked in place, the text around kept.
    @Test(arguments: [
        // ID card numbers: 18 characters with a valid check character, or with a birth date (fail closed).
        ("身份证号341502198803140265，电话15955012368。", "身份证号341502********0265，电话159****2368。"),
        ("证件34150319680905017X号", "证件341503********017X号"),
        ("证件34150319680905017x号", "证件341503********017x号"),
        ("身份证340102199001011234", "身份证340102********1234"),
        ("341502198803140266", "341502********0266"),
        ("341502198803140265X", "341502********0265X"),
        // Y is no check character, but the 17 digits before it are a whole ID number (PIIDetectorSpellingTests).
        ("34150319680905017Y", "341503********017Y"),
        ("HT341502198607220516", "HT341502********0516"),
        ("ID:341502198607220516;", "ID:341502********0516;"),
        ("身份证 341502 19880314 0265 号", "身份证 341502 ******** 0265 号"),
        ("341502\u{A0}19880314\u{3000}0265", "341502\u{A0}********\u{3000}0265"),
        ("３４１５０２１９８８０３１４０２６５", "３４１５０２********０２６５"),
        // 15-digit first-generation numbers.
        ("旧证340102900101123", "旧证340102******123"),
        // Mobile numbers, with prefixes and separators.
        ("13812345678", "138****5678"),
        ("Tel13812345678ext", "Tel138****5678ext"),
        ("📞13812345678📞", "📞138****5678📞"),
        ("电话+8613812345678", "电话+86138****5678"),
        ("电话8613812345678", "电话86138****5678"),
        ("008613912345678", "0086139****5678"),
        ("+86 139 1234 5678", "+86 139 **** 5678"),
        ("013812345678", "0138****5678"),
        ("电话138-1234-5678。", "电话138-****-5678。"),
        ("电话 138 1234 5678 转", "电话 138 **** 5678 转"),
        ("138-1234 5678", "138-**** 5678"),
        ("138.1234.5678", "138.****.5678"),
        ("139‐1234—5678", "139‐****—5678"),
        ("１３７１２３４５６７８", "１３７****５６７８"),
        ("٠١٣٨١٢٣٤٥٦٧٨", "٠١٣٨****٥٦٧٨"),
        ("联系人李娜18856427731或王强15955012368", "联系人李娜188****7731或王强159****2368"),
        ("申报期限2024-10-24，逾期未缴，联系13912345678", "申报期限2024-10-24，逾期未缴，联系139****5678"),
        // Landlines with their area code.
        ("0564-3331234", "0564-*****34"),
        ("(0564)3331234", "(0564)*****34"),
        ("（0564）3331234", "（0564）*****34"),
        ("010 12345678", "010 ******78"),
        ("+86 564 3331234", "+86 564 *****34"),
        // Card numbers: a network's leading digits and Luhn.
        ("卡号6222021234567890128", "卡号***************0128"),
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        // E-mail addresses.
        ("联系邮箱zhangsan@example.com。", "联系邮箱z***@***.com。"),
        ("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "z***@***.com"),
        ("13812345678@qq.com", "1***@***.com"),
        ("li.na+tax@mail.la.gov.cn, wang@example.org", "l***@***.cn, w***@***.org"),
        // Two numbers made one by ignoring separators are read at their group boundary.
        ("341502198803140265 13912345678", "341502********0265 139****5678"),
        ("a13812345678b341502198803140265c", "a138****5678b341502********0265c"),
        // A long run that does not read as a row of numbers is masked whole.
        ("1234567890123456789012", "**********************"),
        ("2024 0564 3331234 13912345678", "**** **** ******* ***********"),
        // The issue's purpose: the case reference stays.
        ("核查 341502198803140265", "核查 341502********0265"),
    ])
    func masksEmbedded(_ text: String, _ expected: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == expected)
    }

    /// Text that looks close but holds no personal number or address stays exactly as it is.
    @Test(arguments: [
        "3415021988031402651",            // 19 digits: no ID, no card network
        "1341502198803140265",            // 19 digits starting with 1
        "334150324040052317",             // voucher: no date, wrong check digit, no card network
        "HT341502202100458712",           // contract number: month 00
        "138123456789",                   // 12 digits, no mobile, no landline
        "12812345678",                    // 12x is no mobile prefix
        "23812345678",                    // no trunk 0: no landline
        "1381234567",                     // 10 digits
        "1138-1234-5678",                 // the mobile is inside a group, not at its boundary
        "138-1234-56789",                 // last group too long
        "6222021234567890127",            // fails Luhn
        "zhangsan@localhost",             // no dot in the domain
        "a@b.c1",                         // top-level label not letters
        "个人购买住房暂免征收印花税",
        "申报期限2024-10-24，逾期未缴",
        "皖(2021)六安市不动产权第0023456号",
        "(2024)皖1504执1088号",
        "341502004001GB00318F00050602",
        "2025-03-10T09:15:32+08:00",
        "登记案件 2026-0042",
        "面积 108.62 平方米，共 18 层",
        "",
    ])
    func leavesAlone(_ text: String) {
        #expect(PIIDetector.maskEmbedded(in: text) == text)
    }

    /// 18-digit numbers with a valid check digit are masked even when they are vouchers: the detector cannot
    /// tell, and fails closed. (334150324040052316 is in tax/LA2023003.json.)
    @Test func voucherWithValidCheckDigitIsMasked() {
        #expect(PIIDetector.maskEmbedded(in: "334150324040052316") == "334150********2316")
    }

    /// The check character follows ISO 7064 MOD 11-2, cross-checked with Python over the fixtures.
    @Test(arguments: [
        ("341502198803140265", true), ("341502198607220516", true), ("34150319680905017X", true),
        ("34150319680905017x", true), ("341504199506070288", true), ("341522198205170734", true),
        ("340102199001011234", false), ("334150221080016523", false), ("3415021988031402", false),
        ("34150219880314026A", false), ("X41502198803140265", false),
    ])
    func checkCharacter(_ candidate: String, _ valid: Bool) {
        let values = candidate.utf8.map { $0.isASCIIDigit ? $0 - UInt8(ascii: "0") : $0.isLetterX ? PIIDetector.checkX : 99 }
        #expect(values.withUnsafeBufferPointer(PIIDetector.hasValidCheckCharacter) == valid)
    }

    /// What the detector folds to ASCII before it reads digits: every Unicode decimal digit, full-width forms,
    /// Unicode spaces and dashes; Chinese numerals are no digits.
    @Test(arguments: [
        (0xFF13, "3"), (0x0663, "3"), (0x0969, "3"), (0x1D7D1, "3"), (0x00B3, "3"), (0x2462, "3"),
        (0xFF20, "@"), (0xFF38, "X"), (0x00A0, " "), (0x3000, " "), (0x2014, "-"), (0x2212, "-"),
    ])
    func folding(_ scalar: UInt32, _ expected: String) {
        #expect(PIIDetector.folded(scalar) == expected.utf8.first)
    }

    @Test(arguments: [0x4E09, 0x3007, 0x5341, 0x00BD, 0x2167])
    func notDigits(_ scalar: UInt32) {
        #expect(PIIDetector.folded(scalar) == 0)
    }
}
