import ArgumentParser
import Compose
import Foundation
import NewsletterCore
import Site

/// `--open`: the system's way to open a URL, when it has one.
enum Browser {
    static func open(_ url: String) {
        let candidates = [ProcessInfo.processInfo.environment["BROWSER"], "xdg-open", "sensible-browser"].compactMap {
            $0
        }
        for name in candidates {
            let path = name.hasPrefix("/") ? name : "/usr/bin/\(name)"
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = [url]
            if (try? process.run()) != nil { return }
        }
        Terminal.error("No browser found to open \(url); open it yourself.")
    }
}
