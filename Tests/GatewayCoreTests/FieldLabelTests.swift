import Foundation
import GatewayCore
import GatewayJSON
import Testing

/// The console's field labels (`sources[].labels`): read in config order, and shipped for every
/// field of every bundled fixture, so a clerk never reads a raw JSON key.
struct FieldLabelTests {
    static let config = try! GatewayConfig.load(path: Repository.bundledConfig)

    /// Every member path of `value`, as views write paths (`*` for every array element), in document order.
    static func memberPaths(of value: JSON, under prefix: String = "") -> [String] {
        switch value.kind {
        case .object:
            value.members.flatMap { key, member in
                let path = prefix + "/" + key.replacing("~", with: "~0").replacing("/", with: "~1")
                return [path] + memberPaths(of: member, under: path)
            }
        case .array:
            value.elements.flatMap { memberPaths(of: $0, under: prefix + "/*") }
        default:
            []
        }
    }

    @Test(arguments: ["land", "tax", "house"])
    func everyFixtureFieldHasALabel(_ source: String) throws {
        let labelled = Set(try #require(Self.config.source(named: source)).labels.map(\.pointer))
        let folder = Repository.root + "/stubs/fixtures/" + source
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 10)
        var unlabelled: Set<String> = []
        for file in files {
            let bytes = try #require(FileBytes.read(folder + "/" + file))
            unlabelled.formUnion(Self.memberPaths(of: try JSON.parse(bytes)).filter { !labelled.contains($0) })
        }
        #expect(unlabelled.isEmpty, "\(source) fields without a label: \(unlabelled.sorted())")
    }

    /// Labels keep their config order and both texts; the bundled ones label nothing twice.
    @Test func readsLabelsInOrder() throws {
        let land = try #require(Self.config.source(named: "land"))
        #expect(land.labels.first == FieldLabel(pointer: "/property_id", chinese: "不动产编号", english: "Property id"))
        #expect(land.labels.contains(FieldLabel(pointer: "/co_holders/*/name", chinese: "姓名", english: "Name")))
        for source in Self.config.sources {
            #expect(Set(source.labels.map(\.pointer)).count == source.labels.count, "\(source.name)")
        }
    }

    /// Without `console`, a page signs out after five idle minutes.
    @Test func consoleDefaults() {
        #expect(Self.config.console == ConsoleConfig(idleSignOutSeconds: 300))
    }
}
