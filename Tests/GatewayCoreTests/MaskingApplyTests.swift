import Testing
import GatewayCore
import GatewayJSON

struct MaskingApplyTests {
    static let clerk = MaskingPolicy(
        rules: ["name": .name, "id_card": .idCard, "phone": .phone, "taxpayer_id": .idCard, "secret": .redact],
        detectPII: true, hmacKey: nil)

    private func applied(_ text: String, policy: MaskingPolicy = MaskingApplyTests.clerk) throws -> String {
        let data = try JSON.parse(text)
        Masking.apply(policy, to: data)
        return data.encodedString()
    }

    /// Keys match whatever their case, in the data and in the policy, and order is kept.
    @Test func keyCaseIgnored() throws {
        #expect(try applied(#"{"ID_Card":"340102199001011234","Phone":"13812345678","NAME":"张三","x":1}"#)
            == #"{"ID_Card":"340102********1234","Phone":"138****5678","NAME":"张*","x":1}"#)
        let upper = MaskingPolicy(rules: ["ID_CARD": .idCard], detectPII: false, hmacKey: nil)
        #expect(try applied(#"{"id_card":"340102199001011234"}"#, policy: upper) == #"{"id_card":"340102********1234"}"#)
    }

    /// Non-ASCII keys match too, folding case as Unicode does; a key that only shares a prefix
    /// or a length with a rule's key does not match.
    @Test func nonASCIIAndNearMissKeys() throws {
        let policy = MaskingPolicy(rules: ["姓名": .name, "ÉTAT": .redact, "phone": .phone], detectPII: false, hmacKey: nil)
        #expect(try applied(#"{"姓名":"张三","état":"x","État":"y","phones":"13812345678","phonf":"1","PHONE":"13812345678"}"#, policy: policy)
            == #"{"姓名":"张*","phones":"13812345678","phonf":"1","PHONE":"138****5678"}"#)
    }

    /// Rules apply at any depth: objects in arrays in objects.
    @Test func depth() throws {
        #expect(try applied(#"{"a":{"b":[{"c":{"name":"欧阳娜娜"}},[{"Id_Card":"34150319680905017X"}]]}}"#)
            == #"{"a":{"b":[{"c":{"name":"欧***"}},[{"Id_Card":"341503********017X"}]]}}"#)
        #expect(try applied(#"[{"name":"张三"},[{"phone":"13812345678"}]]"#) == #"[{"name":"张*"},[{"phone":"138****5678"}]]"#)
    }

    /// Arrays of objects (house `ownership.owners[]`) are masked member by member.
    @Test func arraysOfObjects() throws {
        let input = #"{"ownership":{"owners":[{"name":"李娜","id_card":"341502198803140265","share":0.5},"#
            + #"{"name":"王强","id_card":"341502198607220516","share":0.5}]}}"#
        #expect(try applied(input) == #"{"ownership":{"owners":[{"name":"李*","id_card":"341502********0265","share":0.5},"#
            + #"{"name":"王*","id_card":"341502********0516","share":0.5}]}}"#)
    }

    /// A ruled key holding an array masks every element; objects inside fail closed.
    @Test func ruledArrays() throws {
        #expect(try applied(#"{"phone":["13812345678","0564-3331234",{"n":"13812345678"},null]}"#)
            == #"{"phone":["138****5678","***","***",null]}"#)
    }

    /// A ruled key holding an object fails closed instead of being walked.
    @Test func ruledObjects() throws {
        #expect(try applied(#"{"name":{"first":"三","last":"张"},"id_card":{"number":"340102199001011234"}}"#)
            == #"{"name":"***","id_card":"***"}"#)
    }

    /// Wrong types under ruled keys fail closed; null stays.
    @Test func wrongTypes() throws {
        #expect(try applied(#"{"id_card":340102199001011234,"phone":13812345678,"name":true,"taxpayer_id":null}"#)
            == #"{"id_card":"***","phone":"***","name":"***","taxpayer_id":null}"#)
    }

    /// redact removes the member at any depth, including a member holding an array or object.
    @Test func redactAnyDepth() throws {
        #expect(try applied(#"{"Secret":1,"a":[{"secret":"x","keep":1},{"b":{"SECRET":[1,2]}}],"c":{"secret":{"d":1}}}"#)
            == #"{"a":[{"keep":1},{"b":{}}],"c":{}}"#)
    }

    /// With detectPII, strings without a rule are scanned, in members and array elements.
    @Test func detectsEmbedded() throws {
        #expect(try applied(#"{"remark":"户主身份证341502198803140265","notes":["电话15955012368",42,"无"],"court":null}"#)
            == #"{"remark":"户主身份证341502********0265","notes":["电话159****2368",42,"无"],"court":null}"#)
    }

    /// With detectPII, a mobile or ID-card number sent as a JSON integer (or a whole real) without a rule becomes its
    /// masked text, in members and array elements alike; other numbers, however large, stay numbers.
    @Test func detectsNumbers() throws {
        #expect(try applied(#"{"contact":{"mobile":13812345678,"owner_no":341502198803140265,"area":89.7,"count":12}}"#)
            == #"{"contact":{"mobile":"138****5678","owner_no":"341502********0265","area":89.7,"count":12}}"#)
        // A real of 17 or more digits is written in exponent form, which would show an ID number's
        // leading digits: it goes out as "***".
        #expect(try applied(#"{"contacts":[13812345678,-8613812345678,341502198803140265,13812345678.0,42,12345678901,1e20,341502198803140265.0]}"#)
            == #"{"contacts":["138****5678","-86138****5678","341502********0265","138****5678.0",42,12345678901,"***","***"]}"#)
        #expect(try applied(#"{"owner_no":341502198803140265.0,"budget":9.9e15}"#) == #"{"owner_no":"***","budget":9.9e+15}"#)
        #expect(try applied(#"[[15955012368],{"n":[15955012368]}]"#) == #"[["159****2368"],{"n":["159****2368"]}]"#)
    }

    /// A ruled key never lets a number through: under id_card and phone it fails closed even when it is no PII.
    @Test func ruledNumbersFailClosed() throws {
        #expect(try applied(#"{"id_card":341502198803140265,"phone":[13812345678,7],"taxpayer_id":1.5}"#)
            == #"{"id_card":"***","phone":["***","***"],"taxpayer_id":"***"}"#)
    }

    /// Without detectPII, numbers without a rule are left alone.
    @Test func numbersUntouchedWithoutDetection() throws {
        let policy = MaskingPolicy(rules: ["name": .name], detectPII: false, hmacKey: nil)
        #expect(try applied(#"{"mobile":13812345678,"list":[341502198803140265]}"#, policy: policy)
            == #"{"mobile":13812345678,"list":[341502198803140265]}"#)
    }

    /// Without detectPII, free text is left alone; ruled keys are still masked.
    @Test func detectionOff() throws {
        let policy = MaskingPolicy(rules: ["name": .name], detectPII: false, hmacKey: nil)
        #expect(try applied(#"{"remark":"电话15955012368","name":"张三"}"#, policy: policy)
            == #"{"remark":"电话15955012368","name":"张*"}"#)
    }

    /// A key that is itself a number to hide is renamed to its masked form (moved to the end).
    @Test func keysScanned() throws {
        #expect(try applied(#"{"13812345678":{"name":"张三"},"x":1}"#) == #"{"x":1,"138****5678":{"name":"张*"}}"#)
    }

    /// none exempts a string from detection but does not unmask ruled keys inside a container.
    @Test func noneRule() throws {
        let policy = MaskingApplyTests.clerk.overriding(with: ["voucher_number": .none, "owner": .none])
        #expect(try applied(#"{"voucher_number":"334150324040052316","owner":{"name":"张三","memo":"13812345678"}}"#, policy: policy)
            == #"{"voucher_number":"334150324040052316","owner":{"name":"张*","memo":"138****5678"}}"#)
    }

    /// Nesting far deeper than a parser allows is walked without exhausting the stack.
    @Test func deepNesting() async {
        let depth = 10_000
        await Task.detached {
            let root = JSON.object()
            var innermost = root
            for level in 0..<depth {
                let child = level % 2 == 0 ? JSON.array() : JSON.object()
                if innermost.kind == .array { innermost.append(child) } else { innermost["n"] = child }
                innermost = child
            }
            innermost["id_card"] = JSON("340102199001011234")
            Masking.apply(MaskingApplyTests.clerk, to: root)
            #expect(innermost["id_card"]?.string == "340102********1234")
        }.value
    }

    /// An empty policy changes nothing.
    @Test func emptyPolicy() throws {
        let text = #"{"name":"张三","remark":"13812345678","a":[1,{"b":null}]}"#
        #expect(try applied(text, policy: MaskingPolicy(rules: [:], detectPII: false, hmacKey: nil)) == text)
    }

    /// Scalars at the top cannot be changed in place and are left as they are.
    @Test func scalarAtTop() {
        let text = JSON("电话13812345678")
        Masking.apply(MaskingApplyTests.clerk, to: text)
        #expect(text.string == "电话13812345678")
        let number = JSON(42)
        Masking.apply(MaskingApplyTests.clerk, to: number)
        #expect(number.integer == 42)
    }
}
