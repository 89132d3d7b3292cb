import Foundation

/// The department fixtures the stubs serve (`stubs/fixtures/<department>/<id>.json`).
public enum Fixtures {
    /// `#filePath` is `<root>/Tests/JSONTestSupport/Fixtures.swift`.
    public static let folder = "/" + String("\(#filePath)").split(separator: "/").dropLast(3).joined(separator: "/") + "/stubs/fixtures"

    /// Every fixture as `department/file` and its bytes, in name order.
    public static let all: [(name: String, bytes: [UInt8])] = {
        let files = FileManager.default
        return ((try? files.contentsOfDirectory(atPath: folder)) ?? []).sorted().flatMap { department in
            ((try? files.contentsOfDirectory(atPath: folder + "/" + department)) ?? []).sorted().map { file in
                ("\(department)/\(file)", Array(files.contents(atPath: "\(folder)/\(department)/\(file)") ?? Data()))
            }
        }
    }()

    public static func bytes(_ name: String) -> [UInt8] {
        all.first { $0.name == name }!.bytes
    }
}
