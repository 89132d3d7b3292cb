import Testing
import GatewayCore

struct MaskingPolicyTests {
    /// Rule keys are stored lower-cased.
    @Test func lowercasesKeys() {
        let policy = MaskingPolicy(rules: ["ID_Card": .idCard, "Phone": .phone, "name": .name], detectPII: true, hmacKey: nil)
        #expect(policy.rules == ["id_card": .idCard, "phone": .phone, "name": .name])
    }

    /// Keys that differ only in case settle fail-closed, whatever the dictionary order.
    @Test(arguments: [
        ([MaskingRule.none, .name], MaskingRule.name),
        ([.redact, .name], .redact),
        ([.none, .redact], .redact),
        ([.phone, .name], .redact),
        ([.phone, .phone], .phone),
        ([.none, .none], .none),
    ])
    func caseCollisions(_ rules: [MaskingRule], _ expected: MaskingRule) {
        let forward = MaskingPolicy(rules: ["KEY": rules[0], "key": rules[1]], detectPII: false, hmacKey: nil)
        let backward = MaskingPolicy(rules: ["key": rules[0], "KEY": rules[1]], detectPII: false, hmacKey: nil)
        #expect(forward.rules == ["key": expected])
        #expect(backward.rules == ["key": expected])
    }

    /// Overrides replace rules (even with a weaker one) and add new ones, case-insensitively.
    @Test func overriding() {
        let role = MaskingPolicy(rules: ["name": .name, "id_card": .idCard], detectPII: true, hmacKey: [1, 2])
        let source = role.overriding(with: ["Name": .none, "Taxpayer_ID": .idCard])
        #expect(source.rules == ["name": .none, "id_card": .idCard, "taxpayer_id": .idCard])
        #expect(source.detectPII)
        #expect(source.hmacKey == [1, 2])
        #expect(role.rules["name"] == .name)
        #expect(role.overriding(with: [:]) == role)
    }

    /// Describing a policy never shows the HMAC key.
    @Test func descriptionHidesKey() {
        let policy = MaskingPolicy(rules: ["a": .hash], detectPII: false, hmacKey: Array("s3cr3t-key".utf8))
        #expect(!"\(policy)".contains("115"))  // "s" is 115
        #expect("\(policy)".contains("hmacKey: set"))
        var dumped = ""
        dump(policy, to: &dumped)
        #expect(!dumped.contains("115"))
    }
}
