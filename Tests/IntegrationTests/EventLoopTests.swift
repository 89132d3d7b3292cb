import EventLoop
import Testing

/// The event loop as a task executor (README "Architecture"): a task that prefers a loop runs on
/// it, and what the loop itself resumes it with costs no wake-up.
struct EventLoopTests {
    /// 1,000 awaits of continuations the loop resumes (as a transfer's completion would) all
    /// resume on the loop, and no thread is woken for them: at most the one eventfd write that
    /// started the task from the test's thread.
    @Test func awaitsResumedByTheLoopWakeNoThread() async {
        let loops = EventLoopGroup(loops: 1, name: "test-loop")
        defer { loops.shutdown() }
        let loop = loops.loops[0]
        let writesBefore = loop.wakeCounts.writes
        let allOnLoop = await Task(executorPreference: loop) { () -> Bool in
            var allOnLoop = true
            for round in 0..<1000 {
                let echoed: Int = await withUnsafeContinuation { continuation in
                    loop.execute { continuation.resume(returning: round) }
                }
                allOnLoop = allOnLoop && loop.inEventLoop && echoed == round
            }
            return allOnLoop
        }.value
        #expect(allOnLoop)
        #expect(loop.wakeCounts.writes - writesBefore <= 1)
    }

    /// Work handed over from other threads runs on the loop, in the order handed over.
    @Test func workFromOtherThreadsRunsOnTheLoopInOrder() async {
        let loops = EventLoopGroup(loops: 1, name: "test-loop")
        defer { loops.shutdown() }
        let loop = loops.loops[0]
        let seen = Collected<(Int, Bool)>()
        for index in 0..<100 {
            loop.execute { seen.add((index, loop.inEventLoop)) }
        }
        await loop.submit { () }
        #expect(seen.all.map(\.0) == Array(0..<100))
        #expect(seen.all.allSatisfy { $0.1 })
    }
}
