import Testing
import GatewayCore
import GatewayCrypto
import GatewayJSON

struct TreatmentHMACTests {
    static let key = Array("k1-secret".utf8)
    static let otherKey = Array("k2-secret".utf8)

    private func pseudonym(_ input: String, key: [UInt8]? = TreatmentHMACTests.key) throws -> String {
        try servedText(.hmac, input, hmacKey: key)
    }

    /// The pseudonym is `hmac-sha256:` and the first 32 hex digits, as Python's hmac computes them.
    @Test(arguments: [
        (#""340102199001011234""#, "f8c070c61de0850857cbe6df98a8ca98"),
        (#""张三""#, "6ac1cd1a7d40a7b23de4d13ae4646f66"),
        ("42", "56f26c19753720029b32d9acb7521011"),
        (#""42""#, "56f26c19753720029b32d9acb7521011"),
    ])
    func knownValues(_ input: String, _ hex: String) throws {
        #expect(try pseudonym(input) == "\"hmac-sha256:\(hex)\"")
    }

    /// The same key and value always give the same pseudonym, so records still join.
    @Test func stable() throws {
        #expect(try pseudonym(#""13812345678""#) == (try pseudonym(#""13812345678""#)))
    }

    /// Different keys give different pseudonyms, and different values under one key differ.
    @Test func keyed() throws {
        #expect(try pseudonym(#""13812345678""#) != (try pseudonym(#""13812345678""#, key: Self.otherKey)))
        #expect(try pseudonym(#""13812345678""#) != (try pseudonym(#""13812345679""#)))
    }

    /// The pseudonym never contains the input.
    @Test(arguments: [#""340102199001011234""#, #""13812345678""#, #""张三""#, #""zhangsan@example.com""#])
    func neverContainsInput(_ input: String) throws {
        let output = try pseudonym(input)
        let raw = try #require(try jsonValue(input).string)
        #expect(!output.contains(raw))
        #expect(output.count == "\"hmac-sha256:\"".count + 32)
    }

    /// Without a key, or with an empty one, hmac fails closed.
    @Test func withoutKey() throws {
        #expect(try pseudonym(#""13812345678""#, key: nil) == #""***""#)
        #expect(try pseudonym(#""13812345678""#, key: []) == #""***""#)
        #expect(try pseudonym("42", key: nil) == #""***""#)
    }

    /// null stays null; reals and bools fail closed.
    @Test func shapes() throws {
        #expect(try pseudonym("null") == "null")
        #expect(try pseudonym("3.5") == #""***""#)
        #expect(try pseudonym("true") == #""***""#)
    }

    /// A view serves an hmac field with the view's key.
    @Test func viewUsesItsKey() throws {
        let view = SourceView(paths: try viewPaths(["/owner_id": .hmac]), detectPII: false, hmacKey: Self.key)
        #expect(try applied(#"{"owner_id":"张三"}"#, view).body == #"{"owner_id":"hmac-sha256:6ac1cd1a7d40a7b23de4d13ae4646f66"}"#)
    }
}
