internal import CCAres
import Foundation
import NewsletterCore

/// DNS questions through c-ares: of the system's resolvers (`/etc/resolv.conf`), or of the one
/// server `--dns-server HOST:PORT` names. One question at a time, each waited for; a name that
/// does not exist, or has no record of the type, is an empty answer, not an error.
/// Not `Sendable`: a c-ares channel belongs to one thread.
public final class DNSResolver {
    private var channel: ares_channel?
    /// Who is asked, for the findings: "127.0.0.1:5353" or "the system's resolver".
    public let serverDescription: String

    public struct Failure: Error, CustomStringConvertible {
        public var name: String
        public var reason: String
        public var description: String { "\(name): \(reason)" }
    }

    private static let initialized: Int32 = ares_library_init(ARES_LIB_INIT_ALL)

    /// `server`: `HOST:PORT` (or `[IPv6]:PORT`), or nil for the system's resolvers.
    public init(server: String?, timeoutMilliseconds: Int32 = 3000) throws {
        guard Self.initialized == ARES_SUCCESS else {
            throw NewsletterError("The DNS library (c-ares) could not start.")
        }
        var options = ares_options()
        options.timeout = timeoutMilliseconds
        options.tries = 2
        let status = ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES)
        guard status == ARES_SUCCESS else {
            throw NewsletterError("The DNS resolver could not start: \(String(cString: ares_strerror(status))).")
        }
        serverDescription = server ?? "the system's resolver"
        if let server {
            guard ares_set_servers_ports_csv(channel, server) == ARES_SUCCESS else {
                throw NewsletterError(
                    "--dns-server must be HOST:PORT, such as 127.0.0.1:53 or [::1]:53, found `\(server)`.")
            }
        }
    }

    deinit {
        ares_destroy(channel)
    }

    /// The TXT records at `name`, each one's strings joined (as SPF, DKIM and DMARC read them).
    public func txt(_ name: String) throws -> [String] {
        guard let answer = try query(name, type: Int32(ns_t_txt.rawValue)) else { return [] }
        var list: UnsafeMutablePointer<ares_txt_ext>?
        let status = answer.withUnsafeBufferPointer { ares_parse_txt_reply_ext($0.baseAddress, Int32($0.count), &list) }
        defer { if let list { ares_free_data(list) } }
        if status == ARES_ENODATA { return [] }
        guard status == ARES_SUCCESS else { throw Failure(name: name, reason: String(cString: ares_strerror(status))) }
        var records: [String] = []
        var current = list
        while let chunk = current {
            let text = String(
                decoding: UnsafeBufferPointer(start: chunk.pointee.txt, count: chunk.pointee.length), as: UTF8.self)
            if chunk.pointee.record_start != 0 || records.isEmpty {
                records.append(text)
            } else {
                records[records.count - 1] += text
            }
            current = chunk.pointee.next
        }
        return records
    }

    /// The mail exchangers of `name`, best first.
    public func mx(_ name: String) throws -> [String] {
        guard let answer = try query(name, type: Int32(ns_t_mx.rawValue)) else { return [] }
        var list: UnsafeMutablePointer<ares_mx_reply>?
        let status = answer.withUnsafeBufferPointer { ares_parse_mx_reply($0.baseAddress, Int32($0.count), &list) }
        defer { if let list { ares_free_data(list) } }
        if status == ARES_ENODATA { return [] }
        guard status == ARES_SUCCESS else { throw Failure(name: name, reason: String(cString: ares_strerror(status))) }
        var hosts: [(priority: UInt16, host: String)] = []
        var current = list
        while let reply = current {
            hosts.append((reply.pointee.priority, reply.pointee.host.map { String(cString: $0) } ?? ""))
            current = reply.pointee.next
        }
        return hosts.sorted { $0.priority < $1.priority }.map(\.host)
    }

    /// Whether `name` has an IPv4 or IPv6 address.
    public func hasAddress(_ name: String) throws -> Bool {
        for type in [ns_t_a, ns_t_aaaa] {
            guard let answer = try query(name, type: Int32(type.rawValue)) else { continue }
            var count: Int32 = 4
            let status: Int32 = answer.withUnsafeBufferPointer { buffer in
                if type == ns_t_a {
                    var addresses = [ares_addrttl](repeating: ares_addrttl(), count: 4)
                    return ares_parse_a_reply(buffer.baseAddress, Int32(buffer.count), nil, &addresses, &count)
                }
                var addresses = [ares_addr6ttl](repeating: ares_addr6ttl(), count: 4)
                return ares_parse_aaaa_reply(buffer.baseAddress, Int32(buffer.count), nil, &addresses, &count)
            }
            if status == ARES_SUCCESS, count > 0 { return true }
        }
        return false
    }

    /// The raw answer to one question; nil when the name or the type has none.
    private func query(_ name: String, type: Int32) throws -> [UInt8]? {
        final class Outcome {
            var status: Int32 = -1
            var answer: [UInt8] = []
        }
        let outcome = Outcome()
        let context = Unmanaged.passRetained(outcome)
        ares_query(
            channel, name, Int32(ns_c_in.rawValue), type,
            { argument, status, _, buffer, length in
                guard let argument else { return }
                let outcome = Unmanaged<Outcome>.fromOpaque(argument).takeRetainedValue()
                outcome.status = status
                if let buffer, length > 0 {
                    outcome.answer = Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
                }
            }, context.toOpaque())
        wait { outcome.status != -1 }
        switch outcome.status {
        case ARES_SUCCESS: return outcome.answer
        case ARES_ENODATA, ARES_ENOTFOUND: return nil
        default:
            throw Failure(name: name, reason: String(cString: ares_strerror(outcome.status)))
        }
    }

    /// Drives the channel (poll on its sockets, then let c-ares read and retry) until `done`.
    private func wait(until done: () -> Bool) {
        let maximum = Int(ARES_GETSOCK_MAXNUM)
        while !done() {
            var sockets = [ares_socket_t](repeating: ARES_SOCKET_BAD, count: maximum)
            let bits = ares_getsock(channel, &sockets, Int32(maximum))
            var polled: [pollfd] = []
            for index in 0..<maximum {
                let readable = bits & (1 << index) != 0
                let writable = bits & (1 << (index + maximum)) != 0
                guard readable || writable else { continue }
                polled.append(
                    pollfd(
                        fd: sockets[index], events: Int16((readable ? POLLIN : 0) | (writable ? POLLOUT : 0)),
                        revents: 0))
            }
            var interval = timeval()
            let limit = ares_timeout(channel, nil, &interval)
            let milliseconds = limit.map { Int32($0.pointee.tv_sec * 1000 + Int($0.pointee.tv_usec) / 1000) } ?? 1000
            if poll(&polled, nfds_t(polled.count), max(milliseconds, 1)) <= 0 {
                // A timeout: c-ares retries or gives up, which ends the question.
                ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD)
                continue
            }
            for entry in polled {
                let read = entry.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 ? entry.fd : ARES_SOCKET_BAD
                let write = entry.revents & Int16(POLLOUT) != 0 ? entry.fd : ARES_SOCKET_BAD
                ares_process_fd(channel, read, write)
            }
        }
    }
}
