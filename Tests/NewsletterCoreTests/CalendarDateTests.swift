import Foundation
import NewsletterTestSupport
import Testing

@testable import NewsletterCore

@Suite struct CalendarDateTests {
    @Test func parsesTheStrictForm() throws {
        let date = try #require(CalendarDate(iso: "2026-04-07"))
        #expect((date.year, date.month, date.day) == (2026, 4, 7))
        #expect(date.description == "2026-04-07")
    }

    @Test(arguments: [
        "7.4.2015", "2015-4-7", "2015-02-30", "2015-13-01", "15-04-07", "2015-04-07T10:00", "", "２０１５-04-07",
    ])
    func refusesEverythingElse(_ text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test func knowsLeapYears() {
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2026-02-29") == nil)
        #expect(CalendarDate(iso: "2000-02-29") != nil)
        #expect(CalendarDate(iso: "1900-02-29") == nil)
    }

    @Test func suggestsTheDayFirstReading() {
        #expect(CalendarDate.suggestion(for: "7.4.2015")?.description == "2015-04-07")
        #expect(CalendarDate.suggestion(for: "31/12/2026")?.description == "2026-12-31")
        #expect(CalendarDate.suggestion(for: "April 7") == nil)
    }

    @Test func formatsForReaders() throws {
        let date = try #require(CalendarDate(iso: "2026-04-07"))
        #expect(date.formatted(locale: Locale(identifier: "en_GB")) == "7 April 2026")
        #expect(date.formatted(locale: Locale(identifier: "de_DE")) == "7. April 2026")
    }

    @Test func ordersByDay() throws {
        let early = try #require(CalendarDate(iso: "2026-01-31"))
        let late = try #require(CalendarDate(iso: "2026-02-01"))
        #expect(early < late)
    }
}
