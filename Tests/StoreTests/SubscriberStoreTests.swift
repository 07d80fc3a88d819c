import Foundation
import NewsletterCore
import NewsletterTestSupport
import Testing

@testable import Store

/// The people in a real SQLite store (a file in a temporary folder): lists, statuses,
/// suppression, the consent log and erasure.
@Suite struct SubscriberStoreTests {
    let folder = TemporaryFolder("store")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func store() throws -> SQLiteSubscriberStore {
        try SQLiteSubscriberStore(database: StoreDatabase(path: folder.url.appending(path: "state.sqlite")))
    }

    func person(_ address: String, name: String? = nil, _ attributes: [String: String] = [:]) throws -> Subscriber {
        Subscriber(address: try EmailAddress(address), name: name, attributes: attributes)
    }

    func rows(_ subscribers: [Subscriber]) -> () -> Result<Subscriber, Diagnostic>? {
        var iterator = subscribers.makeIterator()
        return { iterator.next().map { .success($0) } }
    }

    @Test func anImportConfirmsNewRowsOnceAndLeavesTheListedAlone() throws {
        let store = try store()
        let source = ConsentSource("people.csv")
        let first = try store.importRows(
            into: "main", source: source, now: now,
            next: rows([try person("ana@example.org", name: "Ana", ["city": "Riga"]), try person("ben@example.org")]))
        #expect(first.added == 2 && first.alreadyListed == 0)
        let again = try store.importRows(
            into: "main", source: source, now: now,
            next: rows([try person("ANA@example.org", ["city": "Oslo", "lang": "lv"]), try person("cy@example.org")]))
        #expect(again.added == 1 && again.alreadyListed == 1)
        let members = try store.members(of: "main")
        #expect(
            members.map(\.subscriber.address.description) == ["ana@example.org", "ben@example.org", "cy@example.org"])
        // An import fills what is missing and changes nothing the store holds.
        #expect(members[0].subscriber.attributes == ["city": "Riga", "lang": "lv"])
        #expect(members.allSatisfy { $0.status == .confirmed && $0.isActive })
        let events = try #require(try store.person(try EmailAddress("ana@example.org"))).events
        #expect(events.map(\.action) == [.imported])
        #expect(events.first?.source == "people.csv" && events.first?.list == "main")
    }

    @Test func aSendsAudienceIsTheConfirmedUnsuppressedMembersMeetingTheFilters() throws {
        let store = try store()
        _ = try store.importRows(
            into: "main", source: ConsentSource("x.csv"), now: now,
            next: rows([
                try person("a@example.org", ["city": "Riga"]), try person("b@example.org", ["city": "Oslo"]),
                try person("c@example.org", ["city": "Riga", "lang": "de"]), try person("d@example.org"),
            ]))
        _ = try store.suppress(try EmailAddress("c@example.org"), reason: .complaint, source: .init("test"), now: now)
        _ = try store.unsubscribe(try EmailAddress("b@example.org"), from: "main", source: .init("test"), now: now)
        func audience(_ filters: [String]) throws -> [String] {
            var addresses: [String] = []
            try store.eachActiveMember(of: "main", filters: filters.compactMap(AttributeFilter.init)) {
                addresses.append($0.address.description)
            }
            return addresses
        }
        #expect(try audience([]) == ["a@example.org", "d@example.org"])
        #expect(try audience(["city=Riga"]) == ["a@example.org"])
        #expect(try audience(["city!=Riga"]) == ["d@example.org"], "a missing attribute is not equal to Riga")
        #expect(try audience(["city=Riga", "lang!=de"]) == ["a@example.org"])
        #expect(try store.listCounts().first?.active == 2)
    }

    @Test func whoLeftAListIsNotAddedBackByAnImportOrByTheEditor() throws {
        let store = try store()
        let ana = try person("ana@example.org")
        #expect(try store.add(ana, to: "main", source: .init("newsletter subscribers add"), now: now) == .added)
        #expect(
            try store.unsubscribe(ana.address, from: "main", source: .init("POST /unsubscribe"), now: now) == ["main"])
        let report = try store.importRows(into: "main", source: .init("old.csv"), now: now, next: rows([ana]))
        #expect(report.added == 0 && report.unsubscribedEarlier.count == 1)
        #expect(try store.add(ana, to: "main", source: .init("add"), now: now) == .unsubscribedEarlier)
        // Another list is another matter.
        #expect(try store.add(ana, to: "partners", source: .init("add"), now: now) == .added)
    }

    @Test func leavingEveryListSuppressesAndUnsuppressingIsRecorded() throws {
        let store = try store()
        let ana = try person("ana@example.org")
        _ = try store.add(ana, to: "main", source: .init("add"), now: now)
        _ = try store.add(ana, to: "partners", source: .init("add"), now: now)
        #expect(try store.unsubscribe(ana.address, from: nil, source: .init("form"), now: now) == ["main", "partners"])
        #expect(try store.suppression(of: ana.address)?.reason == .unsubscribed)
        #expect(try store.unsuppress(ana.address, reason: "asked to come back", source: .init("cli"), now: now))
        #expect(try store.suppression(of: ana.address) == nil)
        #expect(!(try store.unsuppress(ana.address, reason: "again", source: .init("cli"), now: now)))
        let events = try #require(try store.person(ana.address)).events
        // Leaving everything is one event, for no list in particular.
        #expect(events.map(\.action) == [.added, .added, .unsubscribed, .unsuppressed])
        #expect(events[2].list == nil)
        #expect(events.last?.source == "cli (asked to come back)")
    }

    @Test func aRunningSendFollowsTheLogForWhoStopped() throws {
        let store = try store()
        for address in ["a@example.org", "b@example.org", "c@example.org"] {
            _ = try store.add(try person(address), to: "main", source: .init("add"), now: now)
        }
        let start = try store.lastEventID()
        _ = try store.unsubscribe(try EmailAddress("a@example.org"), from: "main", source: .init("x"), now: now)
        _ = try store.unsubscribe(try EmailAddress("b@example.org"), from: "partners", source: .init("x"), now: now)
        _ = try store.suppress(try EmailAddress("c@example.org"), reason: .hardBounce, source: .init("x"), now: now)
        let (keys, last) = try store.stops(after: start, list: "main")
        #expect(keys == ["a@example.org", "c@example.org"], "b left another list")
        #expect(last == (try store.lastEventID()))
        #expect(try store.stops(after: last, list: "main").keys.isEmpty)
    }

    @Test func forgettingErasesThePersonFromTheFileAndAnOldCSVCannotBringThemBack() throws {
        let path = folder.url.appending(path: "state.sqlite")
        let store = try store()
        let address = "erase.me.please@example.org"
        _ = try store.importRows(
            into: "main", source: .init("people.csv"), now: now,
            next: rows([try person(address, name: "Erasmus Forgettable", ["city": "Nowhereville"])]))
        #expect(try store.forget(try EmailAddress(address), source: .init("subscribers forget"), now: now))
        #expect(try store.person(try EmailAddress(address)) == nil)
        #expect(try store.wasErased(try EmailAddress(address)))
        // Nothing of them in the database file or its log, even in free pages.
        for file in [path, URL(fileURLWithPath: path.path + "-wal")] {
            let bytes = (try? Data(contentsOf: file)) ?? Data()
            for text in [address, "Erasmus Forgettable", "Nowhereville"] {
                #expect(bytes.range(of: Data(text.utf8)) == nil, "\(file.lastPathComponent) holds \(text)")
            }
        }
        let report = try store.importRows(
            into: "main", source: .init("old.csv"), now: now, next: rows([try person(address)]))
        #expect(report.added == 0 && report.erasedEarlier.count == 1)
        #expect(try store.add(try person(address), to: "main", source: .init("add"), now: now) == .erasedEarlier)
        #expect(!(try store.forget(try EmailAddress("nobody@example.org"), source: .init("x"), now: now)))
    }

    @Test func consentTextsAreKeptOnceAndLinkedFromTheirEvents() throws {
        let store = try store()
        let text = "I agree to receive the newsletter."
        for address in ["a@example.org", "b@example.org"] {
            _ = try store.add(
                try person(address), to: "main",
                source: ConsentSource(
                    "https://example.org/join", ip: "192.0.2.1", userAgent: "Test", consentText: text),
                now: now)
        }
        let event = try #require(try store.person(try EmailAddress("b@example.org"))?.events.first)
        #expect(event.consentText == text && event.ip == "192.0.2.1" && event.userAgent == "Test")
        let count = try store.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM consent_text") }
        #expect(count == 1)
    }

    @Test func publicIDsAreRandomAndFindTheirPerson() throws {
        let store = try store()
        _ = try store.add(try person("a@example.org"), to: "main", source: .init("add"), now: now)
        _ = try store.add(try person("b@example.org"), to: "main", source: .init("add"), now: now)
        let a = try #require(try store.subscriber(address: try EmailAddress("a@example.org")))
        let b = try #require(try store.subscriber(address: try EmailAddress("b@example.org")))
        #expect(a.publicID != b.publicID && a.publicID.count == 22)
        #expect(!a.publicID.contains("a@"))
        #expect(try store.subscriber(publicID: a.publicID)?.id == a.id)
        #expect(try store.subscriber(publicID: "not-an-id") == nil)
    }
}

@Suite struct AttributesJSONTests {
    @Test func roundTripsWhatACSVCanHold() {
        let attributes = ["city": "Łódź", "quote": "say \"hi\"", "path": "a\\b", "empty": "", "comma, key": "x"]
        let text = AttributesJSON.encode(attributes)
        #expect(text.hasPrefix("{\"city\":\"Łódź\",\"comma, key\":\"x\""), "keys sorted: \(text)")
        #expect(AttributesJSON.decode(text) == attributes)
        #expect(AttributesJSON.encode([:]) == "{}" && AttributesJSON.decode("{}").isEmpty)
    }

    @Test func publicIDsAreTwentyTwoURLSafeCharactersAndDoNotRepeat() {
        let ids = (0..<10_000).map { _ in PublicID.make() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy(PublicID.isWellFormed))
    }
}
