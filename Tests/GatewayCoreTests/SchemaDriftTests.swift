import Testing
import GatewayCore

/// Schema drift is reported once per source and path, in bounded memory (README, Views).
struct SchemaDriftTests {
    private func paths(_ list: [String]) -> DistinctPaths {
        var paths = DistinctPaths(limit: SchemaDrift.maximumPathsPerSource)
        for path in list { paths.record(path) }
        return paths
    }

    /// A path is a first sighting once per source; the same path from another source is its own.
    @Test func oncePerSourceAndPath() {
        let drift = SchemaDrift()
        #expect(drift.firstSightings(of: paths(["/a", "/b", "/a"]), source: "land") == ["/a", "/b"])
        #expect(drift.firstSightings(of: paths(["/b", "/c"]), source: "land") == ["/c"])
        #expect(drift.firstSightings(of: paths(["/a"]), source: "tax") == ["/a"])
        #expect(drift.firstSightings(of: paths([]), source: "tax").isEmpty)
    }

    /// Past 1,000 paths of a source, new ones are neither remembered nor reported (the caller still counts them).
    @Test func boundedPerSource() {
        let drift = SchemaDrift()
        let first = (0..<1200).map { "/p\($0)" }
        var reported: [String] = []
        for chunk in stride(from: 0, to: first.count, by: 100) {
            reported += drift.firstSightings(of: paths(Array(first[chunk..<(chunk + 100)])), source: "land")
        }
        #expect(reported == Array(first.prefix(1000)))
        #expect(drift.firstSightings(of: paths(["/p1100", "/new"]), source: "land").isEmpty)
        #expect(drift.firstSightings(of: paths(["/new"]), source: "house") == ["/new"])
    }

    /// One walk lists each distinct path once, counts every occurrence, and lists at most its limit.
    @Test func distinctPaths() {
        var withheld = DistinctPaths(limit: 2)
        for path in ["/x", "/y", "/x", "/z", "/w", "/z"] { withheld.record(path) }
        #expect(withheld.listed == ["/x", "/y"])
        #expect(withheld.unlisted == 2)
        #expect(withheld.occurrences == 6)
    }
}
