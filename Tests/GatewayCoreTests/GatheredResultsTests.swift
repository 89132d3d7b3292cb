import Testing
import GatewayCore

@Suite struct GatheredResultsTests {
    @Test func theLastFillGetsEveryResultInTheCallsOrder() {
        var results = GatheredResults<String>(count: 3)
        #expect(results.fill(2, with: "house") == nil)
        #expect(results.fill(0, with: "land") == nil)
        #expect(results.fill(1, with: "tax") == ["land", "tax", "house"])
    }

    @Test func aSingleCallCompletesAtOnce() {
        var results = GatheredResults<Int>(count: 1)
        #expect(results.fill(0, with: 7) == [7])
    }

    @Test func absentResultsCountAsFilled() {
        var results = GatheredResults<Int?>(count: 2)
        #expect(results.fill(1, with: nil) == nil)
        let all = results.fill(0, with: 5)
        #expect(all == [5, nil])
    }
}
