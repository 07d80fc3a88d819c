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
        if let location = diagnostic.location { text += "\(location): " }
        text += diagnostic.message
        if let hint = diagnostic.hint { text += "\n  hint: \(hint)" }
        return text
    }
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
