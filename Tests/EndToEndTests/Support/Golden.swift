import Foundation
import Testing

/// Golden files under `Tests/EndToEndTests/Golden/`. Run the tests with
/// `NEWSLETTER_RECORD_GOLDEN=1` to write them anew after an intended change, then review the diff.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Golden")
    static let recording = ProcessInfo.processInfo.environment["NEWSLETTER_RECORD_GOLDEN"] == "1"

    static func expectMatches(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let file = folder.appending(path: name)
        if recording {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record(
                "no golden file \(name); record it with NEWSLETTER_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        guard actual != expected else { return }
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first =
            Array(zip(actualLines, expectedLines)).firstIndex { $0 != $1 }
            ?? min(actualLines.count, expectedLines.count)
        let line = { (lines: [Substring]) in first < lines.count ? String(lines[first]) : "(end of file)" }
        Issue.record(
            """
            \(name) differs from its golden file at line \(first + 1):
              expected: \(line(expectedLines))
              actual:   \(line(actualLines))
            Re-record with NEWSLETTER_RECORD_GOLDEN=1 if the change is intended.
            """, sourceLocation: sourceLocation)
    }
}
