import Foundation
import Testing

/// A real run against aiosmtpd: 1,500 messages at 50 a second over four connections take
/// thirty seconds. The rate limiter's logic is tested without sleeping in DeliveryTests; this
/// test shows the whole sender keeps the pace in practice.
@Suite struct RateTests {
    @Test func fiftyASecondForThirtySeconds() throws {
        let sample = try SampleWorkspace()
        try sample.generateList(1500)
        // A short issue: the tests run a debug build, where a long one costs enough CPU per
        // message that two cores could not keep up with 50 a second, and the test would measure that.
        #expect(try sample.run(["issue", "new", "--date", "2027-01-01", "--preheader", "Short news"]).status == 0)
        try sample.write(
            "---\nsubject: \"Issue 4\"\ndate: 2027-01-01\npreheader: \"Short news\"\nstatus: draft\n---\nHello.\n",
            to: "issues/004/issue.md")
        try sample.write(
            "---\ntitle: Short news\ndate: 2026-12-01\n---\nOne paragraph of news.\n",
            to: "issues/004/items/01-short.md")
        let server = try SMTPTestServer()
        try sample.appendToConfig(
            "[sending]\nrate = \"50/s\"\nburst = 5\n[smtp]\nurl = \"\(server.url)\"\nconnections = 4")
        let result = try sample.run(["send", "4"])
        #expect(result.status == 0, "\(result.stderr)")

        let times = try server.arrivals().map(\.time).sorted()
        #expect(times.count == 1500)
        guard let first = times.first, let last = times.last, times.count > 1 else { return }
        let rate = Double(times.count - 1) / (last - first)
        #expect(abs(rate - 50) / 50 < 0.02, "measured \(rate) messages a second")
        var busiest = 0
        var windowStart = 0
        for (index, time) in times.enumerated() {
            while times[windowStart] <= time - 1 { windowStart += 1 }
            busiest = max(busiest, index - windowStart + 1)
        }
        #expect(busiest <= 50 + 5, "the busiest second held \(busiest) messages")
    }
}
