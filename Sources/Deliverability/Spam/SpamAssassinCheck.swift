import Foundation

/// The score SpamAssassin gives the message, offline (`-L`: no network tests), with the rules
/// that fired: a real filter's view, reported as a finding, not a verdict. Nothing is learnt
/// and nothing written to the home folder (`-x`, Bayes off).
public enum SpamAssassinCheck {
    static let program = URL(fileURLWithPath: "/usr/bin/spamassassin")

    struct Score {
        var score: Double
        var required: Double
        /// The rules that fired, the highest first.
        var rules: [(name: String, points: Double)]
    }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: program.path) }

    public static func finding(for message: [UInt8]) -> Finding {
        guard isInstalled else {
            return .passed(
                .spam, "SpamAssassin is not installed, so its score was not asked (`apt install spamassassin`).")
        }
        guard let report = run(message), let score = parse(report) else {
            return .warning(
                .spam, "SpamAssassin gave no score.", hint: "Run `spamassassin -L -t < message.eml` to see why.")
        }
        let fired = score.rules.filter { $0.points != 0 }.prefix(8)
            .map { "\($0.name) (\(String(format: "%+.1f", $0.points)))" }.joined(separator: ", ")
        let summary =
            "SpamAssassin scores the message \(String(format: "%.1f", score.score)) (\(String(format: "%.1f", score.required)) marks spam)"
        let rules = fired.isEmpty ? "" : "; rules that count: \(fired)"
        if score.score >= score.required {
            return .warning(
                .spam, summary + rules + ".",
                hint:
                    "Each rule names what it dislikes (`spamassassin -L -t` explains them): change the issue or the template accordingly."
            )
        }
        return .passed(.spam, summary + rules + ".")
    }

    static func run(_ message: [UInt8]) -> String? {
        let process = Process()
        process.executableURL = program
        process.arguments = ["-L", "-t", "-x", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Written on another thread: a large message would fill the pipe while its report waits.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(message))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The score and the rules from `spamassassin -t`'s report.
    static func parse(_ report: String) -> Score? {
        guard let details = report.range(of: "Content analysis details:") else { return nil }
        let rest = report[details.upperBound...]
        let numbers = rest.prefix { $0 != ")" }.split { $0 == "(" || $0 == " " }.compactMap { Double($0) }
        guard numbers.count >= 2 else { return nil }
        var rules: [(String, Double)] = []
        var started = false
        for line in rest.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
            if line.hasPrefix("----") {
                started = true
                continue
            }
            guard started else { continue }
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let points = Double(fields[0]) else {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                continue
            }
            rules.append((String(fields[1]), points))
        }
        return Score(score: numbers[0], required: numbers[1], rules: rules.sorted { $0.1 > $1.1 })
    }
}
