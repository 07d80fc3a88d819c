import Foundation
import NewsletterCore
import Testing

/// The sample workspace's subscriber files, from before the store, taken in by
/// `subscribers migrate`: every row, attribute and suppression kept, once.
@Suite struct MigrationTests {
    @Test func everyRowAttributeAndSuppressionIsKept() throws {
        let sample = try SampleWorkspace(migrated: false)
        let workspace = Workspace(root: sample.root)
        // Before: the commands that need the subscribers say what to do.
        let before = try sample.run(["send", "3", "--dry-run"])
        #expect(before.status == 1)
        #expect(before.stderr.contains("Run `newsletter subscribers migrate` once"), "\(before.stderr)")
        #expect(try sample.run(["subscribers", "check"]).stdout.contains("subscribers/main.csv: "))

        // One person per address in the store: on several lists, they keep the name and the
        // values of the list taken in first (in name order), and gain the columns the others add.
        var expected: [String: [[String: String]]] = [:]
        var person: [String: [String: String]] = [:]
        for name in ["main", "partners"] {
            let (subscribers, _) = try SubscriberList(name: name, workspace: workspace).load()
            expected[name] = subscribers.map { subscriber in
                var row = subscriber.attributes.filter { !$0.value.isEmpty }
                row["email"] = subscriber.address.description
                if let name = subscriber.name { row["name"] = name }
                person[subscriber.address.key] = person[subscriber.address.key, default: [:]].merging(row) { old, _ in
                    old
                }
                return row
            }
        }
        let (suppressed, _) = try SuppressionList(workspace: workspace).load()
        #expect(!suppressed.isEmpty)

        let migrated = try sample.run(["subscribers", "migrate"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(
            migrated.stdout.contains("subscribers/main.csv: \(expected["main"]?.count ?? 0) members of the list `main`")
        )
        #expect(migrated.stdout.contains("subscribers/suppressed.csv: \(suppressed.count) suppressed addresses"))

        for name in ["main", "partners"] {
            // The store's members, each with the columns the file had.
            let members = try sample.run(["subscribers", "list", "--list", name]).stdout.split(separator: "\n")
                .filter { $0.contains("@") }.count
            #expect(members == expected[name]?.count, "\(name)")
            let rows = try csvRows(sample.run(["subscribers", "export", "--list", name]).stdout)
            for row in expected[name] ?? [] where suppressed[row["email"]?.lowercased() ?? ""] == nil {
                let found = rows.first { $0["email"] == row["email"] }
                #expect(found != nil, "\(row["email"] ?? "") is on `\(name)`")
                for (key, value) in person[row["email"]?.lowercased() ?? ""] ?? [:] {
                    #expect(found?[key] == value, "\(row["email"] ?? "").\(key)")
                }
            }
        }
        for (key, entry) in suppressed {
            let shown = try sample.run(["subscribers", "show", key]).stdout
            #expect(shown.contains("uppressed") && shown.contains(entry.reason), "\(key): \(shown)")
        }
        // Once: the files are no longer read, and a second run says so.
        let again = try sample.run(["subscribers", "migrate"])
        #expect(again.status == 1 && again.stderr.contains("were taken into the store already"))
        let notice = try sample.run(["subscribers", "list"])
        #expect(notice.stderr.contains("are no longer read"), "\(notice.stderr)")
    }

    /// A CSV's rows as dictionaries by column (no quoted commas in these exports' values but names).
    private func csvRows(_ text: String) throws -> [[String: String]] {
        let url = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        var reader = try CSVReader(url: url)
        guard case .success(let header)? = reader.next()?.fields else { return [] }
        var rows: [[String: String]] = []
        while let record = reader.next() {
            guard case .success(let fields) = record.fields else { continue }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields).filter { !$0.1.isEmpty }))
        }
        return rows
    }
}
