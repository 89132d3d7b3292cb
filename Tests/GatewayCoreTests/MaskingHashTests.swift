import Testing
import GatewayCore
import GatewayCrypto
import GatewayJSON

struct MaskingHashTests {
    static let key = Array("k1-secret".utf8)
    static let otherKey = Array("k2-secret".utf8)

    private func hashed(_ input: String, key: [UInt8]? = MaskingHashTests.key) throws -> String {
        try #require(Masking.masked(try maskingJSONValue(input), by: .hash, hmacKey: key)).encodedString()
    }

    /// The pseudonym is `hmac-sha256:` and the first 32 hex digits, as Python's hmac computes them.
    @Test(arguments: [
        (#""340102199001011234""#, "f8c070c61de0850857cbe6df98a8ca98"),
        (#""张三""#, "6ac1cd1a7d40a7b23de4d13ae4646f66"),
        ("42", "56f26c19753720029b32d9acb7521011"),
        (#""42""#, "56f26c19753720029b32d9acb7521011"),
    ])
    func knownValues(_ input: String, _ hex: String) throws {
        #expect(try hashed(input) == "\"hmac-sha256:\(hex)\"")
    }

    /// The same key and value always give the same pseudonym, so records still join.
    @Test func stable() throws {
        #expect(try hashed(#""13812345678""#) == (try hashed(#""13812345678""#)))
    }

    /// Different keys give different pseudonyms, and different values under one key differ.
    @Test func keyed() throws {
        #expect(try hashed(#""13812345678""#) != (try hashed(#""13812345678""#, key: Self.otherKey)))
        #expect(try hashed(#""13812345678""#) != (try hashed(#""13812345679""#)))
    }

    /// The pseudonym never contains the input, nor a masked form of it.
    @Test(arguments: [#""340102199001011234""#, #""13812345678""#, #""张三""#, #""zhangsan@example.com""#])
    func neverContainsInput(_ input: String) throws {
        let output = try hashed(input)
        let raw = try #require(try maskingJSONValue(input).string)
        #expect(!output.contains(raw))
        #expect(output.count == "\"hmac-sha256:\"".count + 32)
    }

    /// Without a key, or with an empty one, hash fails closed.
    @Test func withoutKey() throws {
        #expect(try hashed(#""13812345678""#, key: nil) == #""***""#)
        #expect(try hashed(#""13812345678""#, key: []) == #""***""#)
        #expect(try hashed("42", key: nil) == #""***""#)
    }

    /// null stays null; reals, bools and objects fail closed; arrays are hashed element by element.
    @Test func shapes() throws {
        #expect(try hashed("null") == "null")
        #expect(try hashed("3.5") == #""***""#)
        #expect(try hashed("true") == #""***""#)
        #expect(try hashed(#"{"id":"1"}"#) == #""***""#)
        #expect(try hashed(#"["张三",42,null,{"a":1},[1]]"#)
            == #"["hmac-sha256:6ac1cd1a7d40a7b23de4d13ae4646f66","hmac-sha256:56f26c19753720029b32d9acb7521011",null,"***","***"]"#)
    }

    /// apply uses the policy's key for the hash rule.
    @Test func applyUsesPolicyKey() throws {
        let data = try JSON.parse(#"{"Owner_ID":"张三"}"#)
        Masking.apply(MaskingPolicy(rules: ["owner_id": .hash], detectPII: false, hmacKey: Self.key), to: data)
        #expect(data.encodedString() == #"{"Owner_ID":"hmac-sha256:6ac1cd1a7d40a7b23de4d13ae4646f66"}"#)
    }
}
