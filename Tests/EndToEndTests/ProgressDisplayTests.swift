import Testing

@testable import newsletter

@Suite struct ProgressDisplayTests {
    @Test func anEstimateTooLongOrUnknownIsADash() {
        #expect(ProgressDisplay.duration(75) == "1:15")
        #expect(ProgressDisplay.duration(3725) == "1:02:05")
        // A rate near zero with a large or unknown remainder: no estimate, and no trap.
        #expect(ProgressDisplay.duration(Double(Int.max)) == "–")
        #expect(ProgressDisplay.duration(.infinity) == "–")
        #expect(ProgressDisplay.duration(.nan) == "–")
    }
}
