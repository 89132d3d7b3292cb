import Testing
import GatewayCore
import GatewayJSON

/// `text` as a JSON value of any type (`JSON.parse` takes only an object or array at the top).
func jsonValue(_ text: String) throws -> JSON {
    try #require(try JSON.parse("[\(text)]").elements.first)
}

/// The JSON scalar `text` as `treatment` serves it, as JSON text (a number or literal unchanged is served as sent).
func servedText(_ treatment: Treatment, _ text: String, detectPII: Bool = false, hmacKey: [UInt8]? = nil) throws -> String {
    let value = try jsonValue(text)
    var number = Array(text.utf8)
    let served: ServedScalar = switch value.kind {
    case .string: value.string!.utf8.withContiguousStorageIfAvailable { treatment.served(.string(UnsafeRawBufferPointer($0)), detectPII: detectPII, hmacKey: hmacKey) }!
    case .integer, .real:
        number.withUnsafeMutableBytes { treatment.served(number: UnsafeRawBufferPointer($0), isInteger: value.kind == .integer, detectPII: detectPII, hmacKey: hmacKey) }
    case .bool: treatment.served(.bool, detectPII: detectPII, hmacKey: hmacKey)
    case .null: treatment.served(.null, detectPII: detectPII, hmacKey: hmacKey)
    case .object, .array: throw ScalarExpected()
    }
    switch served {
    case .unchanged: return value.kind == .string ? value.encodedString() : text
    case .replaced(let text): return JSON(text).encodedString()
    }
}

struct ScalarExpected: Error {}

/// One row of a treatment table: the scalar `input` served under `treatment` must encode as `expected` (JSON texts).
struct MaskCase: Sendable, CustomTestStringConvertible {
    let treatment: Treatment
    let input: String
    let expected: String
    let why: String

    init(_ treatment: Treatment, _ input: String, _ expected: String, _ why: String) {
        self.treatment = treatment
        self.input = input
        self.expected = expected
        self.why = why
    }

    var testDescription: String { "\(treatment.rawValue): \(why)" }

    func check() throws {
        #expect(try servedText(treatment, input) == expected, "\(why)")
    }
}

/// Scalars every masking treatment (other than `hmac`) must fail closed on; `null` stays.
private func wrongTypes(_ treatment: Treatment) -> [MaskCase] {
    [
        MaskCase(treatment, "12345", #""***""#, "integer"),
        MaskCase(treatment, "3.5", #""***""#, "real"),
        MaskCase(treatment, "true", #""***""#, "bool"),
        MaskCase(treatment, "false", #""***""#, "bool false"),
        MaskCase(treatment, "null", "null", "null reveals nothing and stays"),
        MaskCase(treatment, #""""#, #""***""#, "empty string"),
    ]
}

struct TreatmentTests {
    static let idCard: [MaskCase] = [
        MaskCase(.idCard, #""340102199001011234""#, #""340102********1234""#, "18 digits, check digit not required"),
        MaskCase(.idCard, #""341502198803140265""#, #""341502********0265""#, "18 digits, valid check digit"),
        MaskCase(.idCard, #""34150319680905017X""#, #""341503********017X""#, "check X"),
        MaskCase(.idCard, #""34150319680905017x""#, #""341503********017x""#, "check x"),
        MaskCase(.idCard, #""340102900101123""#, #""340102******123""#, "old 15-digit form"),
        MaskCase(.idCard, #""3401021990""#, #""***""#, "short"),
        MaskCase(.idCard, #""34010219900101123""#, #""***""#, "17 digits"),
        MaskCase(.idCard, #""3401021990010112345""#, #""***""#, "19 digits"),
        MaskCase(.idCard, #""3401029001011234""#, #""***""#, "16 digits"),
        MaskCase(.idCard, #""34010219900101123A""#, #""***""#, "letter other than X at the end"),
        MaskCase(.idCard, #""3401021990X1011234""#, #""***""#, "X inside"),
        MaskCase(.idCard, #""34010290010112X""#, #""***""#, "15 characters with X"),
        MaskCase(.idCard, #"" 340102199001011234""#, #""***""#, "leading space"),
        MaskCase(.idCard, #""340102 199001011234""#, #""***""#, "space inside"),
        MaskCase(.idCard, #""３４０１０２１９９００１０１１２３４""#, #""***""#, "fullwidth digits"),
        MaskCase(.idCard, #""张三""#, #""***""#, "a name in the wrong field"),
        MaskCase(.idCard, "340102199001011234", #""***""#, "number type"),
    ] + wrongTypes(.idCard)

    static let phone: [MaskCase] = [
        MaskCase(.phone, #""13812345678""#, #""138****5678""#, "mobile"),
        MaskCase(.phone, #""19955012368""#, #""199****2368""#, "199 prefix"),
        MaskCase(.phone, #""138-1234-5678""#, #""138****5678""#, "hyphens"),
        MaskCase(.phone, #""138 1234 5678""#, #""138****5678""#, "spaces"),
        MaskCase(.phone, #""+86 138-1234-5678""#, #""138****5678""#, "+86 prefix"),
        MaskCase(.phone, #""+8613812345678""#, #""138****5678""#, "+86 without space"),
        MaskCase(.phone, #""8613812345678""#, #""138****5678""#, "86 prefix"),
        MaskCase(.phone, #""0564-3331234""#, #""***""#, "landline"),
        MaskCase(.phone, #""05643331234""#, #""***""#, "11-digit landline"),
        MaskCase(.phone, #""23812345678""#, #""***""#, "11 digits not starting with 1"),
        MaskCase(.phone, #""1381234567""#, #""***""#, "short"),
        MaskCase(.phone, #""138123456789""#, #""***""#, "long"),
        MaskCase(.phone, #""+1 13812345678""#, #""***""#, "other country prefix"),
        MaskCase(.phone, #""138.1234.5678""#, #""***""#, "dots"),
        MaskCase(.phone, #""１３８１２３４５６７８""#, #""***""#, "fullwidth digits"),
        MaskCase(.phone, #""tel:13812345678""#, #""***""#, "text around"),
        MaskCase(.phone, "13812345678", #""***""#, "number type"),
    ] + wrongTypes(.phone)

    static let name: [MaskCase] = [
        MaskCase(.name, #""张""#, #""*""#, "1 character"),
        MaskCase(.name, #""张三""#, #""张*""#, "2 characters"),
        MaskCase(.name, #""李小龙""#, #""李**""#, "3 characters"),
        MaskCase(.name, #""欧阳娜娜""#, #""欧***""#, "4 characters"),
        MaskCase(.name, #""阿依古丽·买买提""#, #""阿*******""#, "with middle dot"),
        MaskCase(.name, #""John Smith""#, #""J*********""#, "Latin"),
        MaskCase(.name, #""Éloise""#, #""É*****""#, "precomposed accent"),
        MaskCase(.name, "\"E\u{301}loise\"", "\"E\u{301}*****\"", "combining accent counts once"),
        MaskCase(.name, #""👩‍👩‍👧王""#, #""👩‍👩‍👧*""#, "emoji cluster counts once"),
        MaskCase(.name, "\"\(String(repeating: "张", count: 32))\"", "\"张\(String(repeating: "*", count: 31))\"", "32 characters"),
        MaskCase(.name, "\"\(String(repeating: "张", count: 33))\"", #""***""#, "33 characters is no name"),
    ] + wrongTypes(.name)

    static let email: [MaskCase] = [
        MaskCase(.email, #""zhangsan@example.com""#, #""z***@***.com""#, "plain"),
        MaskCase(.email, #""li.na+tax@mail.la.gov.cn""#, #""l***@***.cn""#, "subdomains"),
        MaskCase(.email, #""a@b.cn""#, #""a***@***.cn""#, "shortest"),
        MaskCase(.email, #""张三@例子.中国""#, #""张***@***.中国""#, "internationalised"),
        MaskCase(.email, #""zhangsan@localhost""#, #""***""#, "no dot in domain"),
        MaskCase(.email, #""@example.com""#, #""***""#, "empty local part"),
        MaskCase(.email, #""zhangsan@""#, #""***""#, "empty domain"),
        MaskCase(.email, #""zhangsan@example.""#, #""***""#, "empty top-level label"),
        MaskCase(.email, #""zhangsan@.com""#, #""***""#, "empty label"),
        MaskCase(.email, #""a@b@example.com""#, #""***""#, "two @"),
        MaskCase(.email, #""zhang san@example.com""#, #""***""#, "whitespace"),
        MaskCase(.email, #""zhangsan.example.com""#, #""***""#, "no @"),
        MaskCase(.email, #""13812345678""#, #""***""#, "phone in the wrong field"),
    ] + wrongTypes(.email)

    static let address: [MaskCase] = [
        MaskCase(.address, #""安徽省六安市金安区梅山南路88号梧桐苑""#, #""安徽省六安市金安区****""#, "district"),
        MaskCase(.address, #""安徽省六安市金安区皖西大道216号锦绣江南12幢801室""#, #""安徽省六安市金安区****""#, "long"),
        MaskCase(.address, #""安徽省六安市舒城县城关镇春秋路6号""#, #""安徽省六安市舒城县****""#, "county"),
        MaskCase(.address, #""北京市朝阳区建国路88号""#, #""北京市朝阳区****""#, "municipality"),
        MaskCase(.address, #""内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇""#, #""内蒙古自治区呼伦贝尔市鄂温克族自治旗****""#, "自治区 is no district; banner"),
        MaskCase(.address, #""广西壮族自治区南宁市西乡塘区大学东路100号""#, #""广西壮族自治区南宁市西乡塘区****""#, "district after 自治区"),
        MaskCase(.address, #""江苏省昆山市玉山镇前进西路1号""#, #""江苏省昆山市****""#, "county-level city, no district"),
        MaskCase(.address, #""六安市梅山南路88号梧桐苑东区5栋""#, #""六安市****""#, "区 of a housing estate is no district"),
        MaskCase(.address, #""六安市梧桐小区3栋""#, #""六安市****""#, "小区 is no district"),
        MaskCase(.address, #""六安市农贸市场5号摊位""#, #""六安市****""#, "市场 is no city"),
        MaskCase(.address, #""金安区""#, #""金安区****""#, "only a district"),
        MaskCase(.address, #""梧桐小区3栋""#, #""***""#, "no administrative prefix"),
        MaskCase(.address, #""梅山南路88号""#, #""***""#, "street only"),
        MaskCase(.address, #""区""#, #""***""#, "marker alone"),
        MaskCase(.address, #""88 Meishan Road, Lu'an""#, #""***""#, "not a mainland address"),
    ] + wrongTypes(.address)

    static let bankCard: [MaskCase] = [
        MaskCase(.bankCard, #""6222021234567890123""#, #""***************0123""#, "19 digits"),
        MaskCase(.bankCard, #""6222 0212 3456 7890 123""#, #""***************0123""#, "with spaces"),
        MaskCase(.bankCard, #""6222021234567890""#, #""************7890""#, "16 digits"),
        MaskCase(.bankCard, #""622202123456""#, #""********3456""#, "12 digits"),
        MaskCase(.bankCard, #""62220212345""#, #""***""#, "11 digits"),
        MaskCase(.bankCard, #""62220212345678901234""#, #""***""#, "20 digits"),
        MaskCase(.bankCard, #""6222-0212-3456-7890""#, #""***""#, "hyphens"),
        MaskCase(.bankCard, #""6222O21234567890""#, #""***""#, "letter O"),
        MaskCase(.bankCard, "6222021234567890", #""***""#, "number type"),
    ] + wrongTypes(.bankCard)

    static let uscc: [MaskCase] = [
        MaskCase(.uscc, #""91341500MA2N0X1Y2K""#, #""91341500**********""#, "valid"),
        MaskCase(.uscc, #""913415007049012345""#, #""91341500**********""#, "digits only"),
        MaskCase(.uscc, #""91341500ma2n0x1y2k""#, #""***""#, "lower case"),
        MaskCase(.uscc, #""91341500MA2N0X1Y2I""#, #""***""#, "I is not in the alphabet"),
        MaskCase(.uscc, #""91341500MA2N0X1Y2O""#, #""***""#, "O is not in the alphabet"),
        MaskCase(.uscc, #""91341500MA2N0X1Y2""#, #""***""#, "17 characters"),
        MaskCase(.uscc, #""91341500MA2N0X1Y2K3""#, #""***""#, "19 characters"),
    ] + wrongTypes(.uscc)

    /// id_card keeps 6 + 4 of an 18-character value and fails closed on anything else.
    @Test(arguments: idCard) func idCardTreatment(_ row: MaskCase) throws { try row.check() }

    /// phone keeps 3 + 4 of a mobile number in any usual spelling and fails closed otherwise.
    @Test(arguments: phone) func phoneTreatment(_ row: MaskCase) throws { try row.check() }

    /// name keeps the first Character and stars the rest, counting graphemes.
    @Test(arguments: name) func nameTreatment(_ row: MaskCase) throws { try row.check() }

    /// email keeps the first character and the top-level label.
    @Test(arguments: email) func emailTreatment(_ row: MaskCase) throws { try row.check() }

    /// address keeps only the administrative prefix, never a street or number.
    @Test(arguments: address) func addressTreatment(_ row: MaskCase) throws { try row.check() }

    /// bank_card keeps the last 4 digits with one star per hidden digit.
    @Test(arguments: bankCard) func bankCardTreatment(_ row: MaskCase) throws { try row.check() }

    /// uscc keeps the first 8 characters of a well-formed code.
    @Test(arguments: uscc) func usccTreatment(_ row: MaskCase) throws { try row.check() }

    /// clear serves every scalar as it is when detect_pii is off (a number as sent, not in its shortest form); redact
    /// never reaches a scalar, and fails closed if it does.
    @Test(arguments: [#""340102199001011234""#, "13812345678", "3.4150219880314026e+17", "null", "true", #""张三""#])
    func clearWithoutDetection(_ input: String) throws {
        #expect(try servedText(.clear, input) == input)
        #expect(try servedText(.redact, input) == (input == "null" ? "null" : #""***""#))
    }

    /// clear with detect_pii masks personal data inside text and large numbers, and leaves the rest alone.
    @Test(arguments: [
        (#""电话13812345678""#, #""电话138****5678""#),
        (#""个人购买住房暂免征收印花税""#, #""个人购买住房暂免征收印花税""#),
        ("13812345678", #""138****5678""#),
        ("-8613812345678", #""-86138****5678""#),
        ("341502198803140265", #""341502********0265""#),
        ("12345678901", "12345678901"),
        ("782000.0", "782000.0"),
        ("13812345678.0", #""138****5678.0""#),
        ("341502198803140265.0", #""341502********0265.0""#),
        ("9.9e15", "9.9e15"),
        ("1.3812345678E10", #""1.38****5678E10""#),
        ("0.13812345678", #""0.138****5678""#),
        ("341502198803140265e-8", #""341502********0265e-8""#),
        ("-0", "-0"),
        ("true", "true"),
        ("null", "null"),
    ])
    func clearWithDetection(_ input: String, _ expected: String) throws {
        #expect(try servedText(.clear, input, detectPII: true) == expected)
    }

    /// A real is served as the department wrote it, so that text is what the detector reads first, whatever the
    /// real's size: a mobile or ID number in a fraction is masked as it would be in a string (the `.` between digits
    /// is ignored, so `1500000000.0` reads as a mobile number and is masked, fail closed). What the text does not
    /// show but the value may hide gets the value's rule: a real below 1e-4 whose shortest form has 10 or more
    /// digits before its exponent fails closed, as its last digits may be rounded away.
    @Test(arguments: [
        ("0.13812345678", #""0.138****5678""#),
        ("-0.13812345678", #""-0.138****5678""#),
        ("1.3812345678", #""1.38****5678""#),
        ("13812.345678", #""138**.**5678""#),
        ("3.4150219880314026e-05", #""3.41502********026e-05""#),
        ("3.401021971081376e-05", #""***""#),
        ("0.000013812345678", #""***""#),
        ("0.00001", "0.00001"),
        ("5.5e-05", "5.5e-05"),
        ("34150219880314.0265", #""341502********.0265""#),
        ("1500000000.0", #""150****000.0""#),
        ("9999999.99", "9999999.99"),
        ("-38123.45", "-38123.45"),
        ("13812345.678", #""138****5.678""#),
        ("108.62", "108.62"),
        ("0.0015", "0.0015"),
        ("391.00000000000006", "391.00000000000006"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("116.397128", "116.397128"),
        ("31.7348620123", "31.7348620123"),
    ])
    func clearRealsAreReadAsWritten(_ input: String, _ expected: String) throws {
        #expect(try servedText(.clear, input, detectPII: true) == expected)
    }

    /// email keeps a top-level label only when it is letters: whatever else follows the last dot (a phone number
    /// after a `;`, digits) is no top-level domain, and the value fails closed.
    @Test(arguments: [
        #""zhangsan@example.com;13812345678""#, #""zhangsan@example.com,341502198803140265""#, #""a@b.13812345678""#,
        #""a@b.com2""#, #""a@b.com/13812345678""#, #""a@b.xn--fiqs8s""#,
    ])
    func emailTopLevelIsLetters(_ input: String) throws {
        #expect(try servedText(.email, input) == #""***""#)
    }

    /// address keeps no prefix holding a digit of any form the detector reads as one (superscript, circled,
    /// mathematical digits are digits too).
    @Test(arguments: [#""¹³⁸¹²³⁴⁵⁶⁷⁸金安区梅山南路88号""#, #""①③⑧①②③④⑤⑥⑦⑧金安区""#, #""𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖金安区""#])
    func addressPrefixHoldsNoDigitOfAnyForm(_ input: String) throws {
        #expect(try servedText(.address, input) == #""***""#)
    }

    /// Every treatment name in the config round-trips through its raw value; the old names are no treatments.
    @Test func treatmentNames() {
        #expect(Treatment.allCases.map(\.rawValue) == [
            "clear", "id_card", "phone", "name", "email", "address", "bank_card", "uscc", "hmac", "redact",
        ])
        #expect(Treatment(rawValue: "ID_CARD") == nil)
        #expect(Treatment(rawValue: "none") == nil && Treatment(rawValue: "hash") == nil)
    }
}
