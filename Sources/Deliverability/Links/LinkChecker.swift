internal import CCurl
internal import CurlSupport
import Foundation

/// Fetches links in parallel through libcurl's multi interface: HEAD first (nothing but the
/// headers), then GET where a server refuses HEAD, redirects followed, each with a timeout.
/// A GET stops at the first byte of the body: the status is all that is wanted.
public enum LinkChecker {
    public struct Result: Sendable, Equatable {
        public var url: String
        /// The final HTTP status, after redirects; nil when none came.
        public var status: Int?
        /// Why no status came: a timeout, a name that does not resolve, a refused connection.
        public var failure: String?
        /// Where the redirects ended, when they did elsewhere.
        public var finalURL: String?

        public var isBroken: Bool { failure != nil || (status ?? 0) >= 400 }
    }

    /// Statuses that say "not with HEAD", after which the link is tried with GET.
    static let headRefused: Set<Int> = [400, 403, 404, 405, 501]

    /// `parallel`: transfers at once; `timeout`: seconds for each.
    public static func check(_ urls: [String], parallel: Int = 8, timeout: Int = 10) -> [Result] {
        CurlEasy.initializeLibrary()
        guard let multi = curl_multi_init() else {
            return urls.map { Result(url: $0, failure: "libcurl could not start") }
        }
        defer { curl_multi_cleanup(multi) }
        var results = [Result?](repeating: nil, count: urls.count)
        var waiting = Array(urls.indices.reversed().map { ($0, true) })
        var running: [UnsafeMutableRawPointer: (curl: CurlEasy, index: Int, head: Bool)] = [:]

        func start(_ index: Int, head: Bool) {
            guard let curl = CurlEasy() else {
                results[index] = Result(url: urls[index], failure: "libcurl could not start")
                return
            }
            configure(curl, url: urls[index], head: head, timeout: timeout)
            running[curl.handle] = (curl, index, head)
            curl_multi_add_handle(multi, curl.handle)
        }

        while !waiting.isEmpty || !running.isEmpty {
            while running.count < parallel, let (index, head) = waiting.popLast() { start(index, head: head) }
            var active: Int32 = 0
            curl_multi_perform(multi, &active)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let (curl, index, head) = running.removeValue(forKey: handle)
                else { continue }
                let status = message.pointee.data.result
                let code = curl.responseCode
                let finalURL = curl.effectiveURL
                // Removed while `curl`, the handle's only owner now, is alive: it frees the handle.
                withExtendedLifetime(curl) { _ = curl_multi_remove_handle(multi, handle) }
                // The body's first byte stops a GET on purpose (CURLE_WRITE_ERROR): the status came.
                let answered = code > 0 && (status == CURLE_OK || status == CURLE_WRITE_ERROR)
                if head, !answered || headRefused.contains(code) {
                    waiting.append((index, false))
                    continue
                }
                results[index] = Result(
                    url: urls[index], status: code > 0 ? code : nil,
                    failure: answered ? nil : describe(status),
                    finalURL: finalURL == urls[index] ? nil : finalURL)
            }
            if !running.isEmpty { curl_multi_poll(multi, nil, 0, 200, nil) }
        }
        return results.enumerated().map { $1 ?? Result(url: urls[$0], failure: "not checked") }
    }

    private static func configure(_ curl: CurlEasy, url: String, head: Bool, timeout: Int) {
        curl.set(CURLOPT_URL, url)
        curl.set(CURLOPT_NOBODY, head ? 1 : 0)
        curl.set(CURLOPT_FOLLOWLOCATION, 1)
        curl.set(CURLOPT_MAXREDIRS, 10)
        curl.set(CURLOPT_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_CONNECTTIMEOUT, min(timeout, 10))
        curl.set(CURLOPT_TIMEOUT, timeout)
        curl.set(CURLOPT_USERAGENT, "newsletter (link check)")
        // Nothing of a body is kept: returning 0 stops the transfer at its first byte.
        cnl_curl_set_io_callback(curl.handle, CURLOPT_WRITEFUNCTION) { _, _, _, _ in 0 }
    }

    private static func describe(_ status: CURLcode) -> String {
        switch status {
        case CURLE_OPERATION_TIMEDOUT: "no answer in time"
        case CURLE_COULDNT_RESOLVE_HOST: "the host name does not resolve"
        case CURLE_COULDNT_CONNECT: "the connection was refused"
        case CURLE_TOO_MANY_REDIRECTS: "too many redirects"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR: "its TLS certificate is not valid"
        default: CurlEasy.describe(status)
        }
    }
}
