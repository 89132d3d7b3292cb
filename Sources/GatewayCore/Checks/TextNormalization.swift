/// The text form `equal_normalized` compares: what differs only in how a clerk or a
/// department typed it is the same. Full-width forms fold to half-width (`ＡＢ１` → `ab1`),
/// letters to lower case (an ID card's `X` or `x`), and white space and punctuation go
/// (`张 三`, `340102-1990…`).
enum TextNormalization {
    static func normalized(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let folded = halfWidth(scalar)
            let properties = folded.properties
            if properties.isWhitespace || isPunctuation(folded) { continue }
            result.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        }
        return String(result)
    }

    /// U+FF01…U+FF5E are the full-width twins of U+0021…U+007E; U+3000 is the ideographic space.
    private static func halfWidth(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E: Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
        case 0x3000: " "
        default: scalar
        }
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .modifierSymbol:
            true
        default:
            false
        }
    }
}
