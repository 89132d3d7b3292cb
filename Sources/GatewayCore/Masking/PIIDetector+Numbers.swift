/// Which digits of a digit run belong to a personal number, and so are masked.
///
/// A run is its digits (values 0–9, and `checkX` for an ID card's final `X`) and the boundaries
/// of the groups its separators made. A number is looked for in every stretch from one
/// boundary to another, never inside a group: `341502 19880314 0265` can be one ID number,
/// and `12 13812345678` holds a mobile number, but `013812345678` is read as it is written.
///
/// Digits are read from buffers the caller lends (`withUnsafeTemporaryAllocation`): most runs
/// that get here are codes (unit, parcel, voucher numbers), and reading them must not allocate.
extension PIIDetector {
    /// A run's digit values, or a stretch of them rebased to start at 0.
    typealias Digits = UnsafeBufferPointer<UInt8>

    /// The value that stands for the check character `X` among a run's digits.
    static let checkX: UInt8 = 10

    /// Sets `hidden[i]` for each digit `i` of the run that is masked (`hidden` starts all false).
    /// A run longer than one number can be is masked whole unless it reads, group boundary to
    /// group boundary, as a row of numbers.
    static func hideDigits(_ digits: Digits, boundaries: UnsafeBufferPointer<Int>, in hidden: UnsafeMutableBufferPointer<Bool>) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: boundaries.count) { readable in
            // Whether the run up to each boundary reads as a row of numbers.
            readable.initialize(repeating: false)
            readable[0] = true
            for first in boundaries.indices {
                let start = boundaries[first]
                for last in (first + 1)..<boundaries.count {
                    let end = boundaries[last]
                    guard end - start <= longestNumber else { break }
                    guard let range = hiddenRange(Digits(rebasing: digits[start..<end])) else { continue }
                    for index in range { hidden[start + index] = true }
                    if readable[first] { readable[last] = true }
                }
            }
            if digits.count > longestNumber, !readable[boundaries.count - 1] {
                hidden.update(repeating: true)
            }
        }
    }

    /// The digits to hide if `digits` (a whole stretch) is a personal number, as the masking
    /// treatments would hide them: an ID number keeps its region and its last digits, a phone
    /// number its prefix (and area code) and last digits, a card number its last 4.
    static func hiddenRange(_ digits: Digits) -> Range<Int>? {
        var hull: Range<Int>?
        func hide(_ range: Range<Int>) {
            hull = hull.map { min($0.lowerBound, range.lowerBound)..<max($0.upperBound, range.upperBound) } ?? range
        }
        let count = digits.count
        if digits.last == checkX {
            // Only an ID number ends in X, and then whatever its check says.
            if count == 18, digits.dropLast().allSatisfy({ $0 < 10 }) { hide(6..<14) }
            return hull
        }
        if count == 18, isIDNumber(digits) { hide(6..<14) }
        // The first 17 digits of an ID number are all of it (the check character follows from them):
        // with a birth date where an ID number has one, they are masked as one, whatever follows.
        if count == 17, hasBirthDate(digits) { hide(6..<14) }
        if count == 15, isDate(month: digits[8..<10], day: digits[10..<12]) { hide(6..<12) }
        for prefix in mobilePrefixes where count == prefix.count + 11 && digits.starts(with: prefix) {
            if isMobile(Digits(rebasing: digits[prefix.count...])) { hide((prefix.count + 3)..<(prefix.count + 7)) }
        }
        for prefix in landlinePrefixes where digits.starts(with: prefix) {
            let number = Digits(rebasing: digits[prefix.count...])
            if let area = areaCodeLength(number), isLocalNumber(length: number.count - area, areaCodeLength: area) {
                hide((prefix.count + area)..<(count - 2))
            }
        }
        if isBankCard(digits) { hide(0..<(count - 4)) }
        return hull
    }

    /// What may stand before a mobile number: nothing, the country code with or without the
    /// international prefix, or a trunk `0`.
    private static let mobilePrefixes: [[UInt8]] = [[], [8, 6], [0, 0, 8, 6], [0]]
    /// What stands before a landline's area code: the trunk `0`, or the country code.
    private static let landlinePrefixes: [[UInt8]] = [[0], [8, 6], [0, 0, 8, 6]]

    /// 11 digits, `1` and then `3` to `9`.
    private static func isMobile(_ digits: Digits) -> Bool {
        digits.count == 11 && digits[0] == 1 && (3...9).contains(digits[1])
    }

    /// The length of the area code (without its `0`) at the start of `digits`: 2 for Beijing
    /// (10) and the 2x cities, 3 for the others; `nil` for what is no area code.
    private static func areaCodeLength(_ digits: Digits) -> Int? {
        guard digits.count >= 2 else { return nil }
        switch digits[0] {
        case 1: return digits[1] == 0 ? 2 : nil
        case 2: return 2
        case 3...9: return 3
        default: return nil
        }
    }

    /// Local numbers have 8 digits after a 2-digit area code, 7 or 8 after a 3-digit one.
    private static func isLocalNumber(length: Int, areaCodeLength: Int) -> Bool {
        areaCodeLength == 2 ? length == 8 : (7...8).contains(length)
    }

    /// A card number: a card network's leading digits (UnionPay 62 and the other 6x, 9558-style
    /// domestic cards, Visa 4, Mastercard 2 and 5, JCB 35: 16 to 19 digits; American Express 34
    /// and 37: 15) and a valid Luhn check. The leading digits keep 18-digit voucher and contract
    /// numbers (`334150…`, `341502…`) that pass Luhn by chance, one in ten, from being taken for cards.
    private static func isBankCard(_ digits: Digits) -> Bool {
        guard digits.count >= 15 else { return false }
        let network = switch (digits.count, digits[0], digits[1]) {
        case (16...19, 2, _), (16...19, 4...6, _), (16...19, 9, _), (16...19, 3, 5), (15, 3, 4), (15, 3, 7): true
        default: false
        }
        return network && passesLuhn(digits)
    }

    /// 18 digits that are an ID number as far as anyone can tell: the check digit is right, or
    /// (a typo in it, fail closed) the birth date is a date.
    private static func isIDNumber(_ digits: Digits) -> Bool {
        hasValidCheckCharacter(digits) || hasBirthDate(digits)
    }

    /// Whether digits 7–14 of an ID number's first 17 or more digits are a birth date (1800–2099).
    private static func hasBirthDate(_ digits: Digits) -> Bool {
        isYear(digits[6..<10]) && isDate(month: digits[10..<12], day: digits[12..<14])
    }

    private static func value(_ digits: Slice<Digits>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1) }
    }

    private static func isYear(_ digits: Slice<Digits>) -> Bool {
        (1800...2099).contains(value(digits))
    }

    private static func isDate(month: Slice<Digits>, day: Slice<Digits>) -> Bool {
        (1...12).contains(value(month)) && (1...31).contains(value(day))
    }

    /// Weights of the first 17 digits in ISO 7064 MOD 11-2 (GB 11643-1999).
    private static let checkWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character (as a digit value, `checkX` for X) for each remainder of the weighted sum mod 11.
    private static let checkCharacters: [UInt8] = [1, 0, checkX, 9, 8, 7, 6, 5, 4, 3, 2]

    /// Whether 18 digit values end in the check character of the first 17.
    static func hasValidCheckCharacter(_ digits: Digits) -> Bool {
        guard digits.count == 18, digits.dropLast().allSatisfy({ $0 < 10 }) else { return false }
        let sum = zip(checkWeights, digits).reduce(0) { $0 + $1.0 * Int($1.1) }
        return digits[17] == checkCharacters[sum % 11]
    }

    /// The Luhn check of card numbers.
    private static func passesLuhn(_ digits: Digits) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            guard digit < 10 else { return false }
            let value = offset % 2 == 1 ? Int(digit) * 2 : Int(digit)
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }
}
