import Delivery
import Foundation
import NewsletterCore
import Store

/// The progress of a send: a bar redrawn in place on a terminal, a log line every five seconds
/// otherwise (a cron job's log stays readable).
final class ProgressDisplay: SendReporter, @unchecked Sendable {
    // `@unchecked`: called from the main thread only (the sender reports from there).
    private let issue: Int
    private let list: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var total = 0
    private var lastLog = Date.distantPast

    init(issue: Int, list: String) {
        self.issue = issue
        self.list = list
    }

    func freezing(audience: String) {
        // On a terminal only, until the next line replaces it: a log gets the summary after.
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(audience): reading the audience…".utf8))
        }
    }

    func started(_ send: SendRecord, resumed: Bool, recoveredInFlight: Int, remaining: Int) {
        total = remaining
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        if resumed {
            Terminal.error(
                "Resuming the send of issue \(issue) to \(list): \(remaining) of \(send.audience) still to go.")
            if recoveredInFlight > 0 {
                Terminal.error(
                    "\(recoveredInFlight) message\(recoveredInFlight == 1 ? " was" : "s were") in flight when the last run stopped; they are sent again and reported as uncertain."
                )
            }
        } else {
            Terminal.error("Sending issue \(issue) to \(list): \(send.audience) recipients.")
        }
    }

    func progress(_ counts: SendControl.RunCounts, remaining: Int, elapsed: Double) {
        let done = counts.sent + counts.failed + counts.suppressed
        // A send stopped before its whole audience was in never announced a total.
        let total = remaining < Int.max / 2 ? max(self.total, done + remaining) : self.total
        let rate = elapsed > 0 ? Double(counts.sent) / elapsed : 0
        let eta = rate > 0 ? Self.duration(Double(remaining) / rate) : "–"
        let line =
            "\(done)/\(total) · \(counts.sent) sent · \(counts.failed) failed · \(counts.deferred) deferred · \(String(format: "%.0f", rate))/s · ETA \(eta)"
        if isTerminal {
            let width = 24
            let filled = total > 0 ? min(width, done * width / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K[\(bar)] \(line)".utf8))
        } else if Date().timeIntervalSince(lastLog) >= 5 || remaining == 0 {
            lastLog = Date()
            Terminal.error("send: \(line)")
        }
    }

    func note(_ text: String) {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        Terminal.error(ErrorPresenter.visible(text))
    }

    static func duration(_ seconds: Double) -> String {
        // A rate near zero makes an estimate of no use, and too large for an Int.
        guard seconds.isFinite, seconds < 360_000_000 else { return "–" }
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}

/// The closing words of `send` and the report of `status`.
enum SendSummary {
    static func run(_ result: SendRunResult, issue: Int, list: String) -> String {
        let counts = result.counts
        var lines = [
            "",
            "\(result.finished ? "Sent" : "Stopped sending") issue \(issue) to \(list) in \(ProgressDisplay.duration(result.elapsed)): "
                + "\(counts.sent) sent, \(counts.failed) failed, \(counts.deferred) deferred, \(counts.suppressed) suppressed during the send.",
        ]
        if !result.finished {
            lines.append("\(result.status.remaining) still to go: run the same command again to continue.")
        }
        lines.append(status(result.status))
        return lines.joined(separator: "\n")
    }

    static func status(_ status: SendStatus) -> String {
        let send = status.send
        let formatter = ISO8601DateFormatter()
        let part = send.filter.isEmpty ? "" : " where \(send.filter)"
        let ended: String =
            if let cancelled = send.cancelledAt {
                ", cancelled \(formatter.string(from: cancelled))"
            } else if let completed = send.completedAt {
                ", completed \(formatter.string(from: completed))"
            } else {
                ", not finished"
            }
        let audience =
            send.frozen
            ? "): \(send.audience) recipients"
            : "): the audience is not all in the ledger yet; the next run adds the rest of the list first"
        // Cancelled recipients only when there are some: a send ends with none.
        let states = RecipientState.allCases.filter { $0 != .cancelled || (status.counts[$0] ?? 0) > 0 }
        var lines = [
            "Issue \(send.issue) → \(send.list)\(part) (send \(send.generation), started \(formatter.string(from: send.startedAt))"
                + ended + audience,
            "  " + states.map { "\($0.rawValue) \(status.counts[$0] ?? 0)" }.joined(separator: " · "),
        ]
        if !status.failures.isEmpty {
            lines.append("  Failed:")
            for failure in status.failures { lines.append("    \(failure.address)  \(failure.reply)") }
            let failed = status.counts[.failed] ?? 0
            if failed > status.failures.count { lines.append("    … and \(failed - status.failures.count) more") }
        }
        if !status.deferred.isEmpty {
            lines.append("  Deferred (retried later):")
            for item in status.deferred.prefix(20) { lines.append("    \(item.address)  \(item.reply)") }
        }
        if !status.uncertain.isEmpty {
            lines.append(
                "  Uncertain (in flight when a run stopped; may have received the issue twice): \(status.uncertainCount)"
            )
            for address in status.uncertain { lines.append("    \(address)") }
            if status.uncertainCount > status.uncertain.count {
                lines.append("    … and \(status.uncertainCount - status.uncertain.count) more")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func dryRun(_ result: DryRun.Result, issue: Int, list: String, settings: SendingSettings, rate: String?)
        -> String
    {
        let pace = rate.flatMap(SendingSettings.Rate.init) ?? settings.rate
        let average = result.messages > 0 ? result.bytes / result.messages : 0
        let summary = result.summary
        var text =
            "Dry run of issue \(issue) to \(result.audience): \(result.messages) messages rendered and validated, \(ByteCount.format(average)) on average"
        text +=
            "; \(summary.suppressed) suppressed, \(summary.unconfirmed) unconfirmed and \(summary.unsubscribed) unsubscribed not mailed"
        if summary.filteredOut > 0 { text += ", \(summary.filteredOut) not matching" }
        if summary.receivedAlready > 0 { text += ", \(summary.receivedAlready) who received it already" }
        text +=
            ". At \(pace) this takes about \(ProgressDisplay.duration(Double(result.messages) / pace.perSecond)). Nothing was sent."
        return text
    }
}
