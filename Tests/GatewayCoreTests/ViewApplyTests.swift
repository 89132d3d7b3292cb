import Testing
import GatewayCore
import GatewayJSON

/// What a view serves, withholds and reports as drift (README, Views), as `ViewWriter` serves a body.
struct ViewApplyTests {
    static let owners = try! SourceView(paths: viewPaths([
        "/property_id": .clear, "/remark": .clear, "/owner/name": .name, "/owner/id_card": .idCard,
        "/ownership/owners/*/name": .name, "/ownership/owners/*/share": .clear, "/mortgagee": .redact,
        "/tags/*": .clear, "/mobile": .phone,
    ]), detectPII: true)

    /// Only named members are served; the others are removed and listed, in document order, without values, and
    /// are schema drift too (no view names them).
    @Test func servesOnlyNamedMembers() throws {
        let (body, result) = try applied(
            #"{"property_id":"LA1","owner":{"name":"张三","id_card":"340102199001011234","spouse":"李四"},"# +
            #""owner_alias":"王小明","agent":{"full_name":"韩梅梅"}}"#, Self.owners)
        #expect(body == #"{"property_id":"LA1","owner":{"name":"张*","id_card":"340102********1234"}}"#)
        #expect(result.withheld.listed == ["/owner/spouse", "/owner_alias", "/agent"])
        #expect(result.drift.listed == ["/owner/spouse", "/owner_alias", "/agent"])
        for value in ["李四", "王小明", "韩梅梅", "full_name"] { #expect(!body.contains(value)) }
    }

    /// Keys are compared as exact bytes: other case, a Cyrillic а or a trailing space make other keys.
    @Test func keysComparedAsBytes() throws {
        let (body, result) = try applied(#"{"Owner":{"name":"张三"},"owner":{"Name":"张三","nаme":"李四","name ":"王五"}}"#, Self.owners)
        #expect(body == #"{"owner":{}}"#)
        #expect(result.withheld.listed == ["/Owner", "/owner/Name", "/owner/nаme", "/owner/name "])
    }

    /// Under `*` every element is filtered the same way; empty containers on a named path are served empty.
    @Test func arraysUnderWildcard() throws {
        let (body, result) = try applied(
            #"{"ownership":{"type":"按份共有","owners":[{"name":"李娜","share":0.6,"spouse":{"name":"x"}},{"name":"王强","share":0.4}]},"# +
            #""tags":["a",{"b":1},"c",[2]],"owner":{}}"#, Self.owners)
        #expect(body == #"{"ownership":{"owners":[{"name":"李*","share":0.6},{"name":"王*","share":0.4}]},"tags":["a","c"],"owner":{}}"#)
        #expect(result.withheld.listed == ["/ownership/type", "/ownership/owners/*/spouse", "/tags/*"])
        let empty = try applied(#"{"ownership":{"owners":[]},"tags":[]}"#, Self.owners)
        #expect(empty.body == #"{"ownership":{"owners":[]},"tags":[]}"#)
        #expect(empty.result.withheld.listed.isEmpty && empty.result.drift.listed.isEmpty)
    }

    /// A named leaf holding an object or array, a scalar where a container is expected, an object where an array
    /// is expected: not served, withheld and drift. `null` where a container is expected is served as `null`.
    @Test func shapeChanges() throws {
        let (body, result) = try applied(
            #"{"remark":{"text":"x"},"owner":"张三","ownership":{"owners":{"name":"李娜"}},"tags":null,"mobile":["13812345678"]}"#,
            Self.owners)
        #expect(body == #"{"ownership":{},"tags":null}"#)
        #expect(result.withheld.listed == ["/remark", "/owner", "/ownership/owners", "/mobile"])
        #expect(result.drift.listed == ["/remark", "/owner", "/ownership/owners", "/mobile"])
    }

    /// redact is named and known: withheld, never served, but no drift.
    @Test func redactIsWithheldNotDrift() throws {
        let (body, result) = try applied(#"{"mortgagee":"某银行","property_id":"LA1"}"#, Self.owners)
        #expect(body == #"{"property_id":"LA1"}"#)
        #expect(result.withheld.listed == ["/mortgagee"])
        #expect(result.drift.occurrences == 0)
        let object = try applied(#"{"mortgagee":{"name":"某银行"}}"#, Self.owners)
        #expect(object.body == "{}" && object.result.drift.occurrences == 0)
    }

    /// Masking treatments fail closed on the wrong type; null stays null.
    @Test func treatmentsFailClosed() throws {
        let (body, _) = try applied(#"{"owner":{"name":true,"id_card":340102199001011234},"mobile":null}"#, Self.owners)
        #expect(body == #"{"owner":{"name":"***","id_card":"***"},"mobile":null}"#)
    }

    /// Clear fields go through the detector when the role's detect_pii is on, and not when it is off.
    @Test func clearFieldsDetected() throws {
        let text = #"{"remark":"联系人 李雷 身份证 341502 19880314 0265 电话 139-1234-5678","tags":[13812345678,"a@b.cn"]}"#
        let (body, _) = try applied(text, Self.owners)
        #expect(body == #"{"remark":"联系人 李雷 身份证 341502 ******** 0265 电话 139-****-5678","tags":["138****5678","a***@***.cn"]}"#)
        let plain = SourceView(paths: try viewPaths(["/remark": .clear, "/tags/*": .clear]), detectPII: false)
        #expect(try applied(text, plain).body == text)
    }

    /// The withheld list names each distinct path once, at most 32, and counts the rest.
    @Test func withheldIsBounded() throws {
        let members = (0..<40).map { #""extra\#($0)":1"# }.joined(separator: ",")
        let owners = (0..<5).map { _ in #"{"name":"张三","spouse":"李四"}"# }.joined(separator: ",")
        let (body, result) = try applied(#"{\#(members),"ownership":{"owners":[\#(owners)]}}"#, Self.owners)
        #expect(!body.contains("extra") && !body.contains("李四"))
        #expect(result.withheld.listed.count == 32)
        #expect(result.withheld.listed.first == "/extra0" && result.withheld.listed.last == "/extra31")
        #expect(result.withheld.unlisted == 9)  // extra32…extra39 and /ownership/owners/*/spouse
        #expect(result.withheld.occurrences == 45)
    }

    /// A key in a withheld path goes through the detector, is cut to 64 bytes and is escaped as RFC 6901 says.
    @Test func withheldKeysCarryNoValue() throws {
        let long = String(repeating: "键", count: 30)
        let (_, result) = try applied(#"{"13812345678":1,"a/b~c":2,"\#(long)":3,"zhang@example.com":4}"#, Self.owners)
        #expect(result.withheld.listed == ["/138****5678", "/a~1b~0c", "/" + String(repeating: "键", count: 21), "/z***@***.com"])
    }

    /// A clerk naming one path of land, an auditor seeing everything, and an inspector seeing everything with detect_pii.
    static func everythingRoles() throws -> [String: RoleConfig] {
        RoleConfig.compile([
            RoleDefinition(name: "clerk", sources: ["land"], views: .named(["land": try viewPaths(["/owner/name": .name])]), detectPII: true),
            RoleDefinition(name: "auditor", sources: ["land"], views: .all, detectPII: false),
            RoleDefinition(name: "inspector", sources: ["land"], views: .all, detectPII: true),
        ], hmacKey: nil)
    }

    /// A view of everything serves every member, notes drift against the other roles' views, and with detect_pii
    /// scans every string, however deep and whether or not a view names it.
    @Test func viewOfEverything() throws {
        let roles = try Self.everythingRoles()
        let text = #"{"owner":{"name":"张三","note":{"deep":["电话13812345678"]}},"new":{"x":"13912345678"}}"#
        let auditor = try applied(text, roles["auditor"]!.view(for: "land"))
        #expect(auditor.body == text)
        #expect(auditor.result.drift.listed == ["/owner/note", "/new"])
        #expect(auditor.result.withheld.listed.isEmpty)
        let inspector = try applied(text, roles["inspector"]!.view(for: "land"))
        #expect(inspector.body == #"{"owner":{"name":"张三","note":{"deep":["电话138****5678"]}},"new":{"x":"139****5678"}}"#)
        #expect(inspector.result.drift.listed == ["/owner/note", "/new"])
    }

    /// A view of everything with detect_pii cannot serve a member under a key that holds personal data (a phone
    /// number as a key, at the top or deep inside): the member is withheld, listed under its masked key. Other keys,
    /// and a view of everything without detect_pii, are served as sent.
    @Test func viewOfEverythingWithholdsKeysHoldingPersonalData() throws {
        let roles = try Self.everythingRoles()
        let text = #"{"13812345678":"x","owner":{"name":"张三","contacts":{"139\u200b1234\u200b5678":"李四","note":[{"a@b.cn":1,"k":2}]}},"#
            + #""new":[{"341502198803140265":{"y":1}}]}"#
        let inspector = try applied(text, roles["inspector"]!.view(for: "land"))
        #expect(inspector.body == #"{"owner":{"name":"张三","contacts":{"note":[{"k":2}]}},"new":[{}]}"#)
        #expect(Set(inspector.result.withheld.listed)
            == ["/138****5678", "/owner/contacts/139\u{200B}****\u{200B}5678", "/owner/contacts/note/*/a***@***.cn", "/new/*/341502********0265"])
        let auditor = try applied(text, roles["auditor"]!.view(for: "land"))
        #expect(auditor.body == (try JSON.parse(text)).encodedString())
        #expect(auditor.result.withheld.listed.isEmpty)
    }

    /// Drift is measured against every role's view: what another role names is no drift for this one, and is still
    /// looked into for drift below it.
    @Test func driftAcrossRoles() throws {
        let roles = RoleConfig.compile([
            RoleDefinition(name: "clerk", sources: ["land"], views: .named(["land": try viewPaths(["/status": .clear])]), detectPII: true),
            RoleDefinition(name: "bank", sources: ["land"], views: .named(["land": try viewPaths(["/mortgage/*/amount": .clear])]),
                           detectPII: true),
        ], hmacKey: nil)
        let (body, result) = try applied(#"{"status":"无","mortgage":[{"amount":1,"rate":2},"x"],"new":1}"#, roles["clerk"]!.view(for: "land"))
        #expect(body == #"{"status":"无"}"#)
        #expect(result.withheld.listed == ["/mortgage", "/new"])
        #expect(result.drift.listed == ["/mortgage/*/rate", "/mortgage/*", "/new"])
        #expect(result.drift.occurrences == 3)
    }

    /// When no view of any role names anything in a source, everything in its bodies is drift, also for a view of
    /// everything that is served it all.
    @Test func nothingNamedIsAllDrift() throws {
        let auditorOnly = RoleConfig.compile([RoleDefinition(name: "auditor", sources: ["land"], views: .all, detectPII: false)], hmacKey: nil)
        let (body, result) = try applied(#"{"a":1,"b":{"c":2}}"#, auditorOnly["auditor"]!.view(for: "land"))
        #expect(body == #"{"a":1,"b":{"c":2}}"#)
        #expect(result.drift.listed == ["/a", "/b"])
    }

    /// A role built without a view of a source is served nothing of it.
    @Test func noViewServesNothing() throws {
        let (body, result) = try applied(#"{"a":1,"b":{"c":2}}"#, RoleConfig(name: "x", sources: ["land"]).view(for: "land"))
        #expect(body == "{}")
        #expect(result.withheld.listed == ["/a", "/b"])
    }

    /// Nesting as deep as a body may go (`JSONScanner.maxDepth`), far deeper than any view, is served on a task's
    /// small stack, whatever the view: the writer keeps its open containers on the heap.
    @Test func deepNesting() async throws {
        // Objects at even levels, arrays at odd ones; the innermost object holds an ID number.
        let containers = JSONScanner.maxDepth - 1
        var text = "{"
        for level in 1..<containers { text += level % 2 == 1 ? #""n":["# : "{" }
        text += #""id":"341502198803140265""#
        for level in (0..<containers).reversed() { text += level % 2 == 0 ? "}" : "]" }
        let body = text
        try await Task.detached {
            let everything = try applied(body, SourceView.all(trie: Self.owners.trie, detectPII: true))
            #expect(everything.body.hasSuffix(#"{"id":"341502********0265"}"# + String(repeating: "]}", count: containers / 2)))
            #expect(everything.body.count == body.count)
            let owners = try applied(body, Self.owners)
            #expect(owners.body == "{}")
            #expect(owners.result.withheld.listed == ["/n"])
        }.value
    }
}
