/// A small command-line reader: `--name value` options, `--flag` switches and positionals.
///
/// Every mistake becomes an `ArgumentError` with a one-line message for the user.
public struct Arguments {
    private var remaining: [String]

    public init(_ arguments: [String]) {
        remaining = arguments
    }

    /// True (and consumed) if `--help` or `-h` is present.
    public mutating func wantsHelp() -> Bool {
        flag("--help") || flag("-h")
    }

    public mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: index)
        return true
    }

    /// The value after `name` (also accepted as `name=value`), or `nil`.
    public mutating func option(_ name: String) throws(ArgumentError) -> String? {
        if let index = remaining.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            return String(remaining.remove(at: index).dropFirst(name.count + 1))
        }
        guard let index = remaining.firstIndex(of: name) else { return nil }
        guard index + 1 < remaining.count, !remaining[index + 1].hasPrefix("--") else {
            throw ArgumentError("\(name) needs a value")
        }
        let value = remaining[index + 1]
        remaining.removeSubrange(index...index + 1)
        return value
    }

    /// Every value of an option that may be given more than once, in order.
    public mutating func options(_ name: String) throws(ArgumentError) -> [String] {
        var values: [String] = []
        while let value = try option(name) { values.append(value) }
        return values
    }

    /// True (and consumed) if the next positional argument is `name`: a subcommand.
    public mutating func subcommand(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(where: { !$0.hasPrefix("-") || $0 == "-" }), remaining[index] == name else { return false }
        remaining.remove(at: index)
        return true
    }

    public mutating func integerOption(_ name: String, in range: ClosedRange<Int>) throws(ArgumentError) -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ArgumentError("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// The next positional argument, or `nil` when none is left.
    public mutating func positional() -> String? {
        guard let index = remaining.firstIndex(where: { !$0.hasPrefix("-") || $0 == "-" }) else { return nil }
        return remaining.remove(at: index)
    }

    public mutating func requiredPositional(_ what: String) throws(ArgumentError) -> String {
        guard let value = positional() else { throw ArgumentError("missing \(what)") }
        return value
    }

    /// Fails on anything not consumed: a mistyped option must not be ignored.
    public func finish() throws(ArgumentError) {
        if let first = remaining.first {
            throw ArgumentError(first.hasPrefix("-") ? "unknown option \(first)" : "unexpected argument \(first)")
        }
    }
}

public struct ArgumentError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
