import ArgumentParser
import Delivery
import Foundation
import NewsletterCore
import Store

/// Ctrl-C, or SIGTERM (what systemd, `timeout` and `docker stop` send): the first asks the send
/// to stop after the messages in flight; a second ends the process at once (the ledger makes
/// that safe too, but a message in flight may then go twice).
final class InterruptHandler {
    private static let signals = [SIGINT, SIGTERM]
    private let sources: [any DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        sources = Self.signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Terminal.error("\nStopping after the messages in flight… (Ctrl-C again to quit at once)")
                handler()
                for number in Self.signals { signal(number, SIG_DFL) }
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.signals { signal(number, SIG_DFL) }
    }
}
