import Foundation
import Synchronization
import Testing

/// What one test started: environments to stop and folders to remove once it is over, also
/// when it fails or throws. A `defer` cannot await, so without this a test would return while
/// its gateway and stubs still ran, into the next test's timing, and its files would stay.
final class TestScope: Sendable {
    /// The scope of the running test, set by the `.endsWhatItStarts` trait.
    @TaskLocal static var current: TestScope?

    private let environments = Mutex<[TestEnvironment]>([])
    private let folders = Mutex<[String]>([])

    func adopt(_ environment: TestEnvironment) {
        environments.withLock { $0.append(environment) }
    }

    func adopt(folder: String) {
        folders.withLock { $0.append(folder) }
    }

    fileprivate func end() async {
        for environment in environments.withLock({ $0 }) { await environment.stop() }
        for folder in folders.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: folder) }
    }
}

/// Gives each test of a suite its own `TestScope` and ends it when the test is over.
struct EndsWhatItStarts: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard !test.isSuite else { return try await function() }
        let scope = TestScope()
        do {
            try await TestScope.$current.withValue(scope) { try await function() }
        } catch {
            await scope.end()
            throw error
        }
        await scope.end()
    }
}

extension Trait where Self == EndsWhatItStarts {
    /// Each test stops the environments and removes the folders it started (see `TestScope`).
    static var endsWhatItStarts: Self { Self() }
}
