import Foundation
import NewsletterCore
import NewsletterTestSupport
import Synchronization
import Testing

@testable import Delivery

@Suite struct SendStartTests {
    @Test func connectionsAreBatchThreadsOnlyToARelayOnThisHost() throws {
        for relay in ["smtp://127.0.0.1:2525", "smtp://localhost", "smtp://[::1]:25"] {
            #expect(SendRun.connectionScheduling(relay: try #require(URL(string: relay))) == .batch)
        }
        for relay in ["smtps://smtp.example.org:465", "smtp://10.0.0.2:25"] {
            #expect(SendRun.connectionScheduling(relay: try #require(URL(string: relay))) == .inherited)
        }
    }

    @Test func aSendThatCannotStartClosesItsConnectionsBeforeItReturns() throws {
        let temp = try TemporaryWorkspace()
        try temp.issue(1)
        let relay = try SilentRelay()
        try temp.write(
            TemporaryWorkspace.config
                + "[smtp]\nurl = \"smtp://127.0.0.1:\(relay.port)\"\nconnections = 3\nconnect_timeout = 30\n",
            to: "newsletter.toml")
        let sender = try SendRun(
            prepared: PreparedIssue(workspace: temp.workspace, number: 1), request: SendRequest(list: "absent"),
            environment: ["NEWSLETTER_SECRET": "send-start-test-secret-0123456789"])
        // The list is read once the connections are waiting for the relay's greeting, which never comes.
        let policies = Mutex<[Int]>([])
        let reporter = WaitingReporter {
            let connected = relay.waitForConnections(3, timeout: 10)
            policies.withLock { $0 = schedulingPolicies(ofThreadsNamed: "smtp-") }
            return connected
        }
        let started = Date()
        #expect {
            _ = try sender.run(control: SendControl(maxErrors: 10), reporter: reporter)
        } throws: { error in
            "\(error)".contains("There is no list `absent`")
        }
        #expect(reporter.connected, "the three connections reached the relay before the list was read")
        #if os(Linux)
            // SCHED_BATCH (3): the relay is on this host (`SendRun.connectionScheduling`).
            #expect(policies.withLock { $0 } == [3, 3, 3])
        #endif
        #expect(Date().timeIntervalSince(started) < 10, "the connect timeout (30 s) was not waited for")
        #expect(relay.everyConnectionClosedByTheSender(), "no connection is left waiting when the send gives up")
    }
}

/// Hears a send, and holds its freeze back until `ready` says so.
/// The scheduling policy of each of this process's threads whose name starts with `prefix`,
/// from /proc (the 41st field of a thread's stat).
private func schedulingPolicies(ofThreadsNamed prefix: String) -> [Int] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.compactMap { task in
        guard let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
            name.hasPrefix(prefix),
            let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        // After the name: the state is field 3, so the policy (41) is the 39th.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return fields.count > 38 ? Int(fields[38]) : nil
    }
}

private final class WaitingReporter: SendReporter, @unchecked Sendable {
    // `@unchecked`: `connected` is written before the send reads its list and read after it ends.
    private let ready: @Sendable () -> Bool
    private(set) var connected = false

    init(ready: @escaping @Sendable () -> Bool) {
        self.ready = ready
    }

    func freezing(audience: String) { connected = ready() }
    func started(_ send: SendRecord, resumed: Bool, recoveredInFlight: Int, remaining: Int) {}
    func progress(_ counts: SendControl.RunCounts, remaining: Int, elapsed: Double) {}
    func note(_ text: String) {}
}

/// A TCP server on loopback that takes connections and never says a word: a relay that hangs
/// before its greeting.
private final class SilentRelay: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    /// Held by the accepting thread too, which must not hold the relay (or it would never end).
    private let connections = Connections()

    private final class Connections: @unchecked Sendable {
        // `@unchecked`: `accepted` is only touched while `lock` is held.
        let lock = NSLock()
        var accepted: [Int32] = []
    }

    struct SocketError: Error {}

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, address, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw SocketError() }
        port = Int(UInt16(bigEndian: address.sin_port))
        let connections = connections
        Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                connections.lock.withLock { connections.accepted.append(connection) }
            }
        }.start()
    }

    deinit {
        // Ends the accepting thread's `accept`.
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for connection in connections.lock.withLock({ connections.accepted }) { close(connection) }
    }

    func waitForConnections(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if connections.lock.withLock({ connections.accepted.count }) >= count { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// Whether the other end has closed every connection taken so far (a read finds the end).
    func everyConnectionClosedByTheSender() -> Bool {
        connections.lock.withLock {
            connections.accepted.allSatisfy { connection in
                var byte: UInt8 = 0
                let count = recv(connection, &byte, 1, Int32(MSG_DONTWAIT))
                return count == 0 || (count < 0 && errno == ECONNRESET)
            }
        }
    }
}
