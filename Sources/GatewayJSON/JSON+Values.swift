import CJansson

extension JSON {
    public convenience init(_ string: String) {
        self.init(taking: JSON.stringNode(string))
    }

    /// A new jansson string node holding `string` (one reference, for `init(taking:)` or a `_new` setter).
    static func stringNode(_ string: String) -> UnsafeMutablePointer<json_t> {
        guard !string.isEmpty else {
            // `withUTF8` need not give an empty string an address, and jansson wants one.
            return json_stringn_nocheck("", 0)!
        }
        var string = string
        let node = string.withUTF8 { utf8 in
            // Swift strings are valid UTF-8 already: skip jansson's check.
            utf8.withMemoryRebound(to: CChar.self) { json_stringn_nocheck($0.baseAddress, $0.count) }
        }
        return node!
    }

    public convenience init(_ integer: Int) {
        self.init(taking: json_integer(json_int_t(integer))!)
    }

    public convenience init(_ real: Double) {
        self.init(taking: (json_real(real) ?? json_null())!)
    }

    public convenience init(_ bool: Bool) {
        self.init(taking: (bool ? json_true() : json_false())!)
    }

    public static func null() -> JSON { JSON(taking: json_null()!) }
    public static func object() -> JSON { JSON(taking: json_object()!) }
    public static func array() -> JSON { JSON(taking: json_array()!) }

    /// An object with `entries` in the given order (jansson keeps insertion order).
    public static func object(_ entries: KeyValuePairs<String, JSON>) -> JSON {
        let object = JSON.object()
        for (key, value) in entries { object[key] = value }
        return object
    }

    public static func array(_ elements: [JSON]) -> JSON {
        let array = JSON.array()
        for element in elements { array.append(element) }
        return array
    }

    public var string: String? {
        guard let bytes = json_string_value(node) else { return nil }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: json_string_length(node))
        return String(decoding: buffer, as: UTF8.self)
    }

    public var integer: Int? {
        kind == .integer ? Int(json_integer_value(node)) : nil
    }

    /// The value of an integer or real.
    public var number: Double? {
        switch kind {
        case .integer, .real: json_number_value(node)
        default: nil
        }
    }

    public var bool: Bool? {
        switch eg_json_typeof(node) {
        case JSON_TRUE: true
        case JSON_FALSE: false
        default: nil
        }
    }

    public var isNull: Bool { kind == .null }

    /// A deep copy that the caller owns and may change.
    public func deepCopy() -> JSON {
        JSON(taking: json_deep_copy(node)!)
    }
}

extension JSON: Equatable {
    /// Structural equality, as jansson defines it.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        json_equal(lhs.node, rhs.node) == 1
    }
}
