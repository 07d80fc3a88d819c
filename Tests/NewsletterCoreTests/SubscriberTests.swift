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

    @Test func editsKeepEveryOtherRowByteForByte() throws {
        let temp = try TemporaryWorkspace()
        let original =
            "email,name\r\nkeep@example.org,\"Keep, Me\"\r\nbroken row without address\r\nremove@example.org,Bye\r\n"
        try temp.write(original, to: "subscribers/main.csv")
        let editor = SubscriberListEditor(list: try SubscriberList(name: "main", workspace: temp.workspace))
        #expect(try editor.remove(EmailAddress("REMOVE@example.org")) == 1)
        try editor.add(Subscriber(address: EmailAddress("new@example.org"), name: "New, One"))
        let text = try String(contentsOf: temp.root.appending(path: "subscribers/main.csv"), encoding: .utf8)
        #expect(
            text
                == "email,name\r\nkeep@example.org,\"Keep, Me\"\r\nbroken row without address\r\nnew@example.org,\"New, One\"\r\n"
        )
        expectDiagnostics { try editor.add(Subscriber(address: EmailAddress("Keep@Example.org"), name: nil)) }
    }

    @Test func importAddsNewRowsAndColumns() throws {
        let temp = try TemporaryWorkspace()
        try temp.write("email,name\nold@example.org,Old\n", to: "subscribers/main.csv")
        try temp.write(
            "Name,E-mail,email,City\nNew,x,new@example.org,Gdańsk\nOld again,x,OLD@example.org,Riga\nBad,x,bad@,Nowhere\n",
            to: "incoming.csv")
        let editor = SubscriberListEditor(list: try SubscriberList(name: "main", workspace: temp.workspace))
        let report = try editor.importRows(from: temp.root.appending(path: "incoming.csv"), displayPath: "incoming.csv")
        #expect(report.added.map(\.address.description) == ["new@example.org"])
        #expect(report.alreadyListed == 1)
        #expect(report.badRows.map(\.location?.line) == [4])
        #expect(report.newColumns == ["City", "E-mail"])
        let text = try String(contentsOf: temp.root.appending(path: "subscribers/main.csv"), encoding: .utf8)
        #expect(text == "email,name,City,E-mail\nold@example.org,Old,,\nnew@example.org,New,Gdańsk,x\n")
    }

    @Test func addingWithAnAttributeTheListLacksAddsItsColumn() throws {
        // It used to be dropped without a word.
        let temp = try TemporaryWorkspace()
        try temp.write("email,name\nold@example.org,Old\n", to: "subscribers/main.csv")
        let editor = SubscriberListEditor(list: try SubscriberList(name: "main", workspace: temp.workspace))
        let added = try editor.add(
            Subscriber(address: EmailAddress("new@example.org"), name: nil, attributes: ["country": "NO"]))
        #expect(added == ["country"])
        // A key in another case fills the column that has its name.
        #expect(
            try editor.add(
                Subscriber(address: EmailAddress("next@example.org"), name: nil, attributes: ["Country": "SE"])
            )
            .isEmpty)
        let text = try String(contentsOf: temp.root.appending(path: "subscribers/main.csv"), encoding: .utf8)
        #expect(text == "email,name,country\nold@example.org,Old,\nnew@example.org,,NO\nnext@example.org,,SE\n")
        // A column name the list could not read back is refused, and the file left as it was.
        expectDiagnostics {
            try editor.add(Subscriber(address: EmailAddress("bad@example.org"), name: nil, attributes: ["a\rb": "x"]))
        }
        #expect(try String(contentsOf: temp.root.appending(path: "subscribers/main.csv"), encoding: .utf8) == text)
    }
}

@Suite struct SuppressionListTests {
    @Test func appendsOnceAndKeepsTheFileWellFormed() throws {
        let temp = try TemporaryWorkspace()
        let suppression = SuppressionList(workspace: temp.workspace)
        let date = try #require(CalendarDate(iso: "2026-11-29"))
        #expect(
            try suppression.add([.init(address: EmailAddress("a@example.org"), reason: .unsubscribed, date: date)]) == 1
        )
        #expect(
            try suppression.add([.init(address: EmailAddress("A@EXAMPLE.org"), reason: .hardBounce, date: date)]) == 0)
        let text = try String(contentsOf: suppression.file, encoding: .utf8)
        #expect(text == "email,reason,date\na@example.org,unsubscribed,2026-11-29\n")
        #expect(try suppression.load().entries.keys.sorted() == ["a@example.org"])
    }

    @Test func concurrentListEditsLoseNothing() async throws {
        // Each read the file, added its row and wrote it back: all but the last were lost.
        let temp = try TemporaryWorkspace()
        try temp.write("email,name\nremove@example.org,R\n", to: "subscribers/main.csv")
        let editor = SubscriberListEditor(list: try SubscriberList(name: "main", workspace: temp.workspace))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try editor.add(Subscriber(address: EmailAddress("new\(index)@example.org"), name: nil))
                }
            }
            group.addTask { _ = try editor.remove(EmailAddress("remove@example.org")) }
            try await group.waitForAll()
        }
        let addresses = try SubscriberList(name: "main", workspace: temp.workspace).load().subscribers.map(
            \.address.description)
        #expect(Set(addresses) == Set((0..<20).map { "new\($0)@example.org" }))
    }

    @Test func aSymlinkedSuppressionListStaysALink() throws {
        let temp = try TemporaryWorkspace()
        let shared = temp.root.appending(path: "shared/suppressed.csv")
        try temp.write("email,reason,date\n", to: "shared/suppressed.csv")
        try FileManager.default.createDirectory(
            at: temp.root.appending(path: "subscribers"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: temp.root.appending(path: "subscribers/suppressed.csv"), withDestinationURL: shared)
        let suppression = SuppressionList(workspace: temp.workspace)
        try suppression.add([
            .init(
                address: EmailAddress("q@example.org"), reason: .unsubscribed,
                date: #require(CalendarDate(iso: "2026-11-29")))
        ])
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: suppression.file.path)
        #expect(link == shared.path)
        #expect(try String(contentsOf: shared, encoding: .utf8).contains("q@example.org,unsubscribed"))
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let temp = try TemporaryWorkspace()
        let suppression = SuppressionList(workspace: temp.workspace)
        let date = try #require(CalendarDate(iso: "2026-11-29"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let address = try EmailAddress("user\(index % 50)@example.org")
                    try suppression.add([.init(address: address, reason: .unsubscribed, date: date)])
                }
            }
            try await group.waitForAll()
        }
        let lines = try String(contentsOf: suppression.file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 51)
        #expect(Set(lines.dropFirst()).count == 50)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: temp.root.appending(path: "subscribers").path).filter {
                $0.hasSuffix(".tmp")
            }.isEmpty)
    }
}
