import Foundation
import NewsletterTestSupport
import Testing

@testable import NewsletterCore

@Suite struct CSVReaderTests {
    func records(_ text: String) throws -> [CSVReader.Record] {
        let file = FileManager.default.temporaryDirectory.appending(path: "csv-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(text.utf8).write(to: file)
        var reader = try CSVReader(url: file)
        var result: [CSVReader.Record] = []
        while let record = reader.next() { result.append(record) }
        return result
    }

    @Test func readsRFC4180Quoting() throws {
        let rows = try records(
            "\u{FEFF}email,name\r\na@example.org,\"Peña, José\"\r\nb@example.org,\"Jürgen \"\"Jogi\"\" Groß\"\r\nc@example.org,\"two\nlines\"\nd@example.org,\n"
        )
        #expect(rows.count == 5)
        #expect(try rows[0].fields.get() == ["email", "name"])
        #expect(try rows[1].fields.get() == ["a@example.org", "Peña, José"])
        #expect(try rows[2].fields.get() == ["b@example.org", "Jürgen \"Jogi\" Groß"])
        #expect(try rows[3].fields.get() == ["c@example.org", "two\nlines"])
        #expect(try rows[4].fields.get() == ["d@example.org", ""])
        #expect(rows.map(\.line) == [1, 2, 3, 4, 6])
        #expect(String(decoding: rows[1].raw, as: UTF8.self) == "a@example.org,\"Peña, José\"\r\n")
    }

    @Test func reportsMalformedRowsAndGoesOn() throws {
        let rows = try records(
            "email,name\na@example.org,x\"y\nb@example.org,\"closed\"extra\nc@example.org,fine\nd@example.org,\"never closed\n"
        )
        #expect(rows.count == 5)
        guard case .failure(let first) = rows[1].fields, case .failure(let second) = rows[2].fields,
            case .failure(let last) = rows[4].fields
        else {
            Issue.record("expected failures")
            return
        }
        #expect(first.message.contains("quote inside it"))
        #expect(second.message.contains("after its closing quote"))
        #expect(try rows[3].fields.get() == ["c@example.org", "fine"])
        #expect(last.message.contains("never closed"))
        #expect(rows[4].line == 5)
    }

    @Test func refusesBytesThatAreNotUTF8InOneRowOnly() throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "csv-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try (Data("email,name\na@example.org,Caf".utf8) + Data([0xE9]) + Data("\nb@example.org,ok\n".utf8)).write(
            to: file)
        var reader = try CSVReader(url: file)
        _ = reader.next()
        guard case .failure = reader.next()?.fields else {
            Issue.record("expected the Latin-1 row to fail")
            return
        }
        #expect(try reader.next()?.fields.get() == ["b@example.org", "ok"])
    }

    @Test func writesWhatItReads() {
        #expect(
            CSVWriter.line(["a", "Peña, José", "say \"hi\"", " x"]) == "a,\"Peña, José\",\"say \"\"hi\"\"\",\" x\"\n")
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("agnes.banfi@example.org", "agnes.banfi@example.org"),
        ("Zoltan.Kiss@EXAMPLE.NET", "Zoltan.Kiss@example.net"),
        ("o'brien+news@example.com", "o'brien+news@example.com"),
        ("redaktion@bücher.example.org", "redaktion@xn--bcher-kva.example.org"),
        ("  padded@example.org ", "padded@example.org"),
        ("x@sub.example.org.", "x@sub.example.org"),
    ])
    func acceptsMailboxes(_ text: String, _ normalised: String) throws {
        #expect(try EmailAddress(text).description == normalised)
    }

    @Test(arguments: [
        ("", "empty"), ("no-at.example.org", "no @"), ("@example.org", "nothing before"), ("a@", "nothing after"),
        ("a@localhost", "no dot"), ("\"quoted\"@example.org", "quoted local parts"),
        (".a@example.org", "dot at its start"),
        ("a..b@example.org", "two dots"), ("a@[192.0.2.1]", "address literals"), ("a(comment)@example.org", "comments"),
        ("a b@example.org", "space"), ("a@exa_mple.org", "letters, digits"), ("a@-example.org", "inner hyphens"),
        ("josé@example.org", "non-ASCII"), ("a@example.org\r\nBcc: x@example.com", "control character"),
        ("a,b@example.org", "“,”"), ("a.@example.org", "dot at its start or end"),
        ("a@example..org", "empty or over-long"), ("a@example-.org", "inner hyphens"),
        ("a@\(String(repeating: "x", count: 64)).org", "empty or over-long"),
        ("k@123.123.123.123", "ends in a number"),
    ])
    func refusesEverythingElse(_ text: String, _ reason: String) {
        do {
            _ = try EmailAddress(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func comparesWithoutCase() throws {
        #expect(try EmailAddress("Ana@Example.org").key == EmailAddress("ana@example.ORG").key)
    }
}

@Suite struct SubscriberListTests {
    @Test func readsAttributesReportsBadRowsAndDropsDuplicates() throws {
        let temp = try TemporaryWorkspace()
        try temp.write(
            """
            email,name,city
            agnes.banfi@example.org,Ágnes Bánfi,Budapest
            not-an-address,Someone,Nowhere
            Agnes.Banfi@EXAMPLE.org,Again,Budapest
            "two,fields"
            jose@example.org,"Peña, José",Sevilla
            evil@example.org,"Eve\r\nBcc: x@example.com",X

            """, to: "subscribers/main.csv")
        let list = try SubscriberList(name: "main", workspace: temp.workspace)
        let (subscribers, report) = try list.load()
        #expect(subscribers.map(\.address.description) == ["agnes.banfi@example.org", "jose@example.org"])
        #expect(subscribers[1].name == "Peña, José")
        #expect(subscribers[1].attributes == ["city": "Sevilla"])
        #expect(report.badRows.map(\.location?.line) == [3, 5, 7])
        #expect(report.badRows[0].message.contains("`not-an-address` is not a usable address"))
        #expect(report.badRows[1].message.contains("1 field, the header has 3"))
        #expect(report.badRows[2].message.contains("control character"))
        #expect(report.duplicates.map(\.location?.line) == [4])
        #expect(report.duplicates[0].message.contains("repeats line 2"))
    }

    @Test func aHeaderWithoutEmailIsAnError() throws {
        let temp = try TemporaryWorkspace()
        try temp.write("mail,name\na@example.org,A\n", to: "subscribers/main.csv")
        expectOneProblem(at: "subscribers/main.csv", line: 1, containing: "one called `email`") {
            _ = try SubscriberList(name: "main", workspace: temp.workspace).load()
        }
    }

    @Test func aHeaderWithAControlCharacterIsAnError() throws {
        // Lines ended with a lone CR: the whole file is one header row.
        let temp = try TemporaryWorkspace()
        try temp.write("email,name\ra@example.org,A\rb@example.org,B\r", to: "subscribers/main.csv")
        expectOneProblem(
            at: "subscribers/main.csv", line: 1, containing: "Column 2 of the header holds a control character"
        ) {
            _ = try SubscriberList(name: "main", workspace: temp.workspace).load()
        }
    }

    @Test func theSuppressionListIsNotAListOfSubscribers() throws {
        let temp = try TemporaryWorkspace()
        let diagnostics = expectDiagnostics { _ = try SubscriberList(name: "suppressed", workspace: temp.workspace) }
        #expect(diagnostics.first?.message.contains("is the suppression list") == true)
    }

    @Test func aMissingListSaysHowToCreateIt() throws {
        let temp = try TemporaryWorkspace()
        let diagnostics = expectDiagnostics { _ = try SubscriberList(name: "vip", workspace: temp.workspace).load() }
        #expect(diagnostics.first?.message.contains("There is no list `vip`") == true)
        expectDiagnostics { _ = try SubscriberList(name: "../etc/passwd", workspace: temp.workspace) }
    }
}

@Suite struct TypedSubscriberNameTests {
    @Test func aNameWithALineBreakIsRefusedAndAPlainOneKept() throws {
        #expect(try Subscriber.checkedName("Ágnes Bánfi") == "Ágnes Bánfi")
        #expect(try Subscriber.checkedName(nil) == nil)
        let error = #expect(throws: NewsletterError.self) { try Subscriber.checkedName("Ana\r\nBcc: x@example.org") }
        #expect(error?.description.contains("--name may not contain control characters") == true)
    }
}

@Suite struct SuppressionListTests {
    @Test func readsTheOldFileForTheMigration() throws {
        let temp = try TemporaryWorkspace()
        try temp.write(
            "email,reason,date\na@example.org,unsubscribed,2026-11-29\nnot an address,manual,2026-11-29\nA@example.org,manual,\n",
            to: "subscribers/suppressed.csv")
        let (entries, problems) = try SuppressionList(workspace: temp.workspace).load()
        #expect(entries.keys.sorted() == ["a@example.org"])
        #expect(entries["a@example.org"]?.reason == "unsubscribed", "the first row of an address counts")
        #expect(problems.map(\.location?.line) == [3])
    }
}
