import Testing
import GatewayCore
import GatewayJSON

/// Views as compiled at config load: paths, their conflicts, the trie and the roles' marks on it.
struct SourceViewTests {
    /// View paths are RFC 6901 pointers with `*` for array elements; what cannot name a field is refused.
    @Test func paths() throws {
        #expect(try ViewPath("/ownership/owners/*/name").segments
            == [.key(Array("ownership".utf8)), .key(Array("owners".utf8)), .anyElement, .key(Array("name".utf8))])
        #expect(try ViewPath("/a~1b/~0c/").segments == [.key(Array("a/b".utf8)), .key(Array("~c".utf8)), .key([])])
        #expect(throws: ViewPath.ParseError.wholeBody) { try ViewPath("") }
        #expect(throws: ViewPath.ParseError.pointer(.missingLeadingSlash)) { try ViewPath("name") }
        #expect(throws: ViewPath.ParseError.pointer(.invalidEscape)) { try ViewPath("/a~2") }
        #expect(throws: ViewPath.ParseError.elementOfBody) { try ViewPath("/*/name") }
        #expect(throws: ViewPath.ParseError.tooDeep) { try ViewPath(String(repeating: "/a", count: 33)) }
        #expect(try ViewPath(String(repeating: "/a", count: 32)).segments.count == 32)
    }

    /// A view names leaves: a path below a leaf, a leaf above paths, or the same path twice is refused.
    @Test func conflicts() throws {
        var paths = try viewPaths(["/owner/name": .name, "/tags/*": .clear])
        #expect(throws: ViewPaths.Conflict.aboveLeaves) { try paths.add(try ViewPath("/owner"), .redact) }
        #expect(throws: ViewPaths.Conflict.belowLeaf(shorter: "/tags/*")) { try paths.add(try ViewPath("/tags/*/x"), .clear) }
        #expect(throws: ViewPaths.Conflict.repeated) { try paths.add(try ViewPath("/owner/name"), .clear) }
        try paths.add(try ViewPath("/owner/phone"), .phone)
        #expect(paths.entries.map(\.path.description) == ["/owner/name", "/tags/*", "/owner/phone"])
    }

    /// The trie finds members by their exact key bytes, elements by `*`, and writes paths view-style.
    @Test func trieLookups() throws {
        let trie = SourceView(paths: try viewPaths(["/owner/name": .name, "/owners/*/id": .idCard, "/a~1b": .clear]), detectPII: true).trie
        let owner = try #require(try trie.node(named: "/owner"))
        #expect(trie.path(of: owner) == "/owner")
        #expect(Array("name".utf8).withUnsafeBytes { trie.child(of: owner, key: $0) } == (try trie.node(named: "/owner/name")))
        for near in ["Name", "nаme", "name ", "nam", "names", ""] {
            #expect(Array(near.utf8).withUnsafeBytes { trie.child(of: owner, key: $0) } == nil, "\(near)")
        }
        let owners = try #require(try trie.node(named: "/owners"))
        #expect(trie.element(of: owners).map(trie.path) == "/owners/*")
        #expect(trie.element(of: owner) == nil && !trie.hasMembers(owners) && trie.hasMembers(owner))
        #expect(try trie.node(named: "/a~1b").map(trie.path) == "/a~1b")
        #expect(Array("13812345678".utf8).withUnsafeBytes { trie.memberPath(of: owner, key: $0) } == "/owner/138****5678")
    }

    /// Roles share one trie per source; each marks its own paths, and what another role names is no drift.
    @Test func rolesShareTheTrie() throws {
        let roles = RoleConfig.compile([
            RoleDefinition(name: "clerk", sources: ["land"], views: .named(["land": try viewPaths(["/owner/name": .name])]), detectPII: true),
            RoleDefinition(name: "records", sources: ["land"], views: .named(["land": try viewPaths(["/owner/id": .redact, "/seal": .clear])]),
                           detectPII: true),
            RoleDefinition(name: "auditor", sources: ["land"], views: .all, detectPII: false),
        ], hmacKey: nil)
        let clerk = roles["clerk"]!.view(for: "land"), records = roles["records"]!.view(for: "land")
        let trie = clerk.trie
        #expect(trie.nodeCount == 5 && records.trie.nodeCount == 5 && roles["auditor"]!.view(for: "land").trie.nodeCount == 5)
        let name = try #require(try trie.node(named: "/owner/name")), id = try #require(try trie.node(named: "/owner/id"))
        let owner = try #require(try trie.node(named: "/owner")), seal = try #require(try trie.node(named: "/seal"))
        #expect([clerk.entry(at: owner), clerk.entry(at: name), clerk.entry(at: id), clerk.entry(at: seal)]
            == [.container, .leaf(.name), .notServed, .notServed])
        #expect([records.entry(at: owner), records.entry(at: name), records.entry(at: id), records.entry(at: seal)]
            == [.container, .notServed, .leaf(.redact), .leaf(.clear)])
        #expect(roles["auditor"]!.view(for: "land").entry(at: name) == .everything)
        #expect(trie.fits(id, .object) && !trie.fits(name, .object) && trie.fits(name, .string) && !trie.fits(owner, .string))
        #expect(trie.fits(owner, .null) && !trie.fits(owner, .array))
    }

    /// The one rule every walker follows: what a view does with a value of each kind at each kind of node, and
    /// when that value is drift.
    @Test(arguments: [
        ("/owner/name", JSON.Kind.string, ViewStep.scalar(.name), false),
        ("/owner/name", .null, .scalar(.name), false),
        ("/owner/name", .object, .withhold, true),
        ("/owner/name", .array, .withhold, true),
        ("/owner", .object, .members, false),
        ("/owner", .null, .scalar(.clear), false),
        ("/owner", .string, .withhold, true),
        ("/owner", .array, .withhold, true),
        ("/owners", .array, .elements, false),
        ("/owners", .object, .withhold, true),
        ("/owners/*", .object, .members, false),
        ("/owners/*", .integer, .withhold, true),
        ("/seal", .string, .withhold, false),
        ("/seal", .object, .withhold, false),
        ("/stamp", .string, .withhold, false),
    ])
    func steps(_ path: String, _ kind: JSON.Kind, _ expected: ViewStep, _ isDrift: Bool) throws {
        let roles = RoleConfig.compile([
            RoleDefinition(name: "clerk", sources: ["land"],
                           views: .named(["land": try viewPaths(["/owner/name": .name, "/owners/*/id": .idCard, "/seal": .redact])]),
                           detectPII: true),
            RoleDefinition(name: "other", sources: ["land"], views: .named(["land": try viewPaths(["/stamp": .clear])]), detectPII: true),
        ], hmacKey: nil)
        let view = roles["clerk"]!.view(for: "land")
        let node = try #require(try view.trie.node(named: path))
        #expect(view.step(at: node, kind: kind) == (expected, isDrift))
        #expect(view.unnamedMemberStep == .withhold)
        #expect(SourceView.all(trie: view.trie, detectPII: false).step(at: node, kind: kind).step
            == (kind == .object && view.trie.hasMembers(node) ? .members : kind == .array && view.trie.element(of: node) != nil ? .elements : .whole))
    }

    /// Describing a view never shows its HMAC key.
    @Test func descriptionHidesKey() throws {
        let view = SourceView(paths: try viewPaths(["/a": .hmac]), detectPII: false, hmacKey: Array("s3cr3t-key".utf8))
        #expect(!"\(view)".contains("115"))  // "s" is 115
        #expect("\(view)".contains("hmacKey: set"))
        var dumped = ""
        dump(view, to: &dumped)
        #expect(!dumped.contains("115") && !dumped.contains("s3cr3t"))
    }
}
