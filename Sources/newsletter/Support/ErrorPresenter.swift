import ArgumentParser
import Foundation
import NewsletterCore

/// The one place that decides how a failure reads and which exit status it gives: a
/// `NewsletterError` prints each diagnostic as `error: FILE:LINE: message` with its hint and
/// exits 1; usage errors and help go to ArgumentParser; anything else is a bug, said plainly.
enum ErrorPresenter {
    static func exit(with error: any Error) -> Never {
        switch error {
        case let error as NewsletterError:
            Terminal.error(render(error))
            Foundation.exit(1)
        default:
            NewsletterCommand.exit(withError: error)
        }
    }

    static func render(_ error: NewsletterError) -> String {
        // Grouped by file, in line order, as an editor works through them; a problem found by
        // two checks is shown once.
        var seen = Set<Diagnostic>()
        let diagnostics = error.diagnostics.enumerated().sorted { left, right in
            let (leftFile, rightFile) = (left.element.location?.file ?? "", right.element.location?.file ?? "")
            if leftFile != rightFile { return left.offset < right.offset }
            return (left.element.location?.line ?? 0, left.offset) < (right.element.location?.line ?? 0, right.offset)
        }.map(\.element).filter { seen.insert($0).inserted }
        let lines = diagnostics.map { render($0) }
        let summary = diagnostics.count > 1 ? "\n\(diagnostics.count) problems found." : ""
        return lines.joined(separator: "\n") + summary
    }
}

extension ErrorPresenter {
    /// One diagnostic as `LEVEL: FILE:LINE: message`, with its hint on the next line.
    static func render(_ diagnostic: Diagnostic, as level: String = "error") -> String {
        var text = "\(level): "
        if let location = diagnostic.location { text += visible("\(location)") + ": " }
        text += visible(diagnostic.message)
        if let hint = diagnostic.hint { text += "\n  hint: \(visible(hint))" }
        return text
    }

    /// Text that may quote the user's files, made safe to print: a control character (an escape
    /// sequence would move the cursor or retitle the terminal) shows as its code point, and a
    /// line longer than a few screens (a megabyte-long address) is cut.
    static func visible(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let shown = line.prefix(maximumLineLength).map { character in
                character.isControlCharacter && character != "\t"
                    ? "<\(character.unicodeDescription)>" : String(character)
            }.joined()
            return shown + (line.count > maximumLineLength ? "… (\(line.count) characters in all)" : "")
        }.joined(separator: "\n")
    }

    static let maximumLineLength = 2000
}

/// Standard output for results, standard error for problems.
enum Terminal {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
