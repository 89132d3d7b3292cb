import GatewayCore
import Testing

/// Trace, span and request ids: unique within a process and shaped as W3C trace context wants.
struct IdentifierGeneratorTests {
    /// 100,000 values from several tasks at once are all different.
    @Test func valuesAreUnique() async {
        let values = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 { group.addTask { (0..<25_000).map { _ in IdentifierGenerator.next() } } }
            return await group.reduce(into: [UInt64]()) { $0 += $1 }
        }
        #expect(Set(values).count == 100_000)
    }

    /// Hex ids have 16 lower-case digits per word and are never all zeros (invalid in traceparent).
    @Test func hexShape() {
        for _ in 0..<1000 {
            let id = IdentifierGenerator.hex(words: 2)
            #expect(id.count == 32)
            #expect(id.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) })
            #expect(id != String(repeating: "0", count: 32))
        }
    }

    /// A trace started by the gateway has a valid traceparent whose child spans differ.
    @Test func startedTraceIsValid() {
        let trace = TraceContext(traceparent: nil)
        #expect(trace.traceparent.split(separator: "-").map(\.count) == [2, 32, 16, 2])
        #expect(trace.childTraceparent() != trace.childTraceparent())
        #expect(TraceContext(traceparent: trace.childTraceparent()).traceID == trace.traceID)
    }

    /// A child of the caller's trace keeps its trace id and flags, with a span of its own.
    @Test func childContinuesTheCallersTrace() {
        let trace = TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        let child = trace.childTraceparent()
        #expect(child.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-") && child.hasSuffix("-00"))
        let span = child.split(separator: "-")[2]
        #expect(span.count == 16 && span.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) })
        #expect(span != "00f067aa0ba902b7" && span != Substring(trace.spanID))
    }
}
