import Foundation

/// A real DNS server for one test: dnsmasq (Debian's dnsmasq-base) on a free loopback port,
/// answering only the records given (`--txt-record`, `--mx-host`, `--host-record`), asking no
/// one else: any other name under .example does not exist. Stopped when the test ends.
///
/// Started with posix_spawn, not Foundation's Process: dnsmasq closes every file descriptor it
/// inherits, among them the socket by which Foundation notices a child's exit, and Foundation
/// then waits for it on the thread that watches every child, stalling all the others.
final class DNSTestServer {
    static let program = "/usr/sbin/dnsmasq"
    let port: Int
    private let pid: pid_t

    var address: String { "127.0.0.1:\(port)" }

    /// `txt`: name and the strings of one record (several strings make one long record; the
    /// same name twice makes two records). `mx`: domain and exchanger. `hosts`: name and IPv4.
    init(txt: [(String, [String])] = [], mx: [(String, String)] = [], hosts: [(String, String)] = []) throws {
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20000...60000)
            let arguments =
                [
                    Self.program, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll",
                    "--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)",
                    "--pid-file=", "--log-facility=-", "--local=/example/",
                ] + (getuid() == 0 ? ["--user=root"] : [])
                + txt.map { "--txt-record=\(([$0.0] + $0.1).joined(separator: ","))" }
                + mx.map { "--mx-host=\($0.0),\($0.1),10" } + hosts.map { "--host-record=\($0.0),\($0.1)" }
            let (pid, log) = try Self.spawn(arguments)
            if log.contains("started,") {
                self.port = port
                self.pid = pid
                return
            }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            lastError = log
        }
        throw SMTPTestServer.ServerError(message: "dnsmasq did not start: \(lastError)")
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Starts dnsmasq with its log on a pipe, and reads the log until it says `started` (it
    /// listens) or why it cannot (it then exits).
    private static func spawn(_ arguments: [String]) throws -> (pid_t, String) {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw SMTPTestServer.ServerError(message: "no pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, program, &actions, nil, &argv, environ)
        close(pipe[1])
        defer { close(pipe[0]) }
        guard status == 0 else {
            throw SMTPTestServer.ServerError(message: "dnsmasq: \(String(cString: strerror(status)))")
        }
        var log = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !log.contains("started,") && !log.contains("dnsmasq: ") {
            let count = read(pipe[0], &buffer, buffer.count)
            if count <= 0 { break }
            log += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return (pid, log)
    }
}
