import Foundation
import NewsletterCore

/// The dates feeds carry: RFC 822 in RSS 2.0 (`Mon, 02 Nov 2026 09:30:00 +0100`, with the
/// obsolete zone names), RFC 3339 in Atom and in RSS 1.0's `dc:date` (`2026-11-10T08:15:00+01:00`,
/// or a bare day). The offset is honoured: an entry's day is the day where it was published.
enum FeedDate {
    struct Parsed: Equatable {
        /// The instant, for `--since` and ordering.
        var instant: Date
        /// The publisher's own calendar day.
        var day: CalendarDate
    }

    static func parse(_ text: String) -> Parsed? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return rfc3339(trimmed) ?? rfc822(trimmed)
    }

    private static let zones: [String: Int] = [
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
        "PST": -8, "PDT": -7,
    ]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `[Mon, ]02 Nov 2026 09:30[:00] +0100|GMT|EST…`.
    static func rfc822(_ text: String) -> Parsed? {
        var words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if let first = words.first, Int(first) == nil { words.removeFirst() }
        // A comment may follow the zone, as in `+0100 (CET)`.
        if words.count > 5, let comment = words.firstIndex(where: { $0.hasPrefix("(") }), comment == 5,
            words.last?.hasSuffix(")") == true
        {
            words.removeSubrange(comment...)
        }
        // Nothing after the zone: a date followed by anything else is not a date.
        guard (4...5).contains(words.count), let day = Int(words[0]),
            let month = months.firstIndex(of: String(words[1].prefix(3)).lowercased()).map({ $0 + 1 }),
            [2, 4].contains(words[2].count), words[2].allSatisfy(\.isASCII), words[2].allSatisfy(\.isNumber),
            var year = Int(words[2])
        else { return nil }
        // RFC 822's two-digit years, read as RFC 2822 section 4.3 says.
        if words[2].count == 2 { year += year < 50 ? 2000 : 1900 }
        let clockParts = words[3].split(separator: ":", omittingEmptySubsequences: false)
        let clock = clockParts.compactMap { (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) ? Int($0) : nil }
        guard clock.count == clockParts.count, clock.count >= 2, clock.count <= 3 else { return nil }
        let offset = words.count > 4 ? zoneOffset(words[4]) : 0
        guard let offset else { return nil }
        return make(year, month, day, clock[0], clock[1], clock.count == 3 ? clock[2] : 0, offsetSeconds: offset)
    }

    /// `2026-11-10T08:15:00[.123](Z|+01:00)` or `2026-11-25`.
    static func rfc3339(_ text: String) -> Parsed? {
        if let day = CalendarDate(iso: text) {
            return make(day.year, day.month, day.day, 0, 0, 0, offsetSeconds: 0)
        }
        guard text.count >= 20, let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }),
            let day = CalendarDate(iso: String(text[..<separator]))
        else { return nil }
        var rest = text[text.index(after: separator)...]
        let clockText = rest.prefix { $0.isNumber || $0 == ":" }
        rest = rest.dropFirst(clockText.count)
        if rest.first == "." { rest = rest.dropFirst().drop { $0.isNumber } }
        let clock = clockText.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, let offset = zoneOffset(String(rest)) else { return nil }
        return make(day.year, day.month, day.day, clock[0], clock[1], clock[2], offsetSeconds: offset)
    }

    /// `+0100`, `-05:00`, `Z`, `GMT`, `EST`… in seconds east of UTC.
    private static func zoneOffset(_ text: String) -> Int? {
        if let hours = zones[text.uppercased()] { return hours * 3600 }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else {
            return nil
        }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    private static func make(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, offsetSeconds: Int
    )
        -> Parsed?
    {
        guard let calendarDay = CalendarDate(year: year, month: month, day: day), (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetSeconds) ?? .gmt
        guard
            let instant = calendar.date(
                from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
        else { return nil }
        return Parsed(instant: instant, day: calendarDay)
    }
}
