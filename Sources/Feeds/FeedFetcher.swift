internal import CCurl
internal import CurlSupport
public import Foundation
import NewsletterCore

/// Gets a feed's bytes: a local file, or an http(s) URL through libcurl with timeouts, at most
/// five redirects, http and https only (also after a redirect), and a size cap, so that a huge
/// feed or one that never ends is cut off with an error instead of filling the memory.
public struct FeedFetcher: Sendable {
    public var maximumBytes = 10 * 1024 * 1024
    public var connectTimeout = 10
    /// The whole transfer, in seconds.
    public var timeout = 60

    public init() {}

    /// `source` is a URL (http or https) or a file path.
    public func fetch(_ source: String) throws -> Data {
        if source.lowercased().hasPrefix("http://") || source.lowercased().hasPrefix("https://") {
            return try download(source)
        }
        if source.contains("://") {
            throw NewsletterError(
                "`\(source)` is neither an http(s) URL nor a file.",
                hint: "Give the feed's address, such as https://example.org/news/feed.xml.")
        }
        let url = URL(fileURLWithPath: source)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw NewsletterError("The feed file \(source) cannot be read.", hint: "Check the path.")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        guard data.count <= maximumBytes else { throw tooLarge(source) }
        return data
    }

    private func tooLarge(_ source: String) -> NewsletterError {
        NewsletterError(
            "The feed at \(source) is larger than \(maximumBytes / 1024 / 1024) MB; it was cut off and nothing was imported.",
            hint: "A news feed is a few hundred kilobytes; check the address.")
    }

    private func download(_ source: String) throws -> Data {
        guard let curl = CurlEasy() else { throw NewsletterError("libcurl could not start.") }
        let sink = DownloadSink(limit: maximumBytes)
        curl.set(CURLOPT_URL, source)
        curl.set(CURLOPT_FOLLOWLOCATION, 1)
        curl.set(CURLOPT_MAXREDIRS, 5)
        curl.set(CURLOPT_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        curl.set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        curl.set(CURLOPT_TIMEOUT, timeout)
        curl.set(CURLOPT_ACCEPT_ENCODING, "")
        curl.set(CURLOPT_USERAGENT, "newsletter (feed import)")
        curl.set(CURLOPT_WRITEDATA, pointer: Unmanaged.passUnretained(sink).toOpaque())
        cnl_curl_set_io_callback(curl.handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let sink = Unmanaged<DownloadSink>.fromOpaque(context).takeUnretainedValue()
            // Returning less than given makes curl stop with CURLE_WRITE_ERROR.
            return sink.append(UnsafeRawBufferPointer(start: buffer, count: size * count)) ? size * count : 0
        }
        let status = withExtendedLifetime(sink) { curl.perform() }
        let code = curl.responseCode
        if sink.overflowed { throw tooLarge(source) }
        let detail = curl.detail(status)
        switch status {
        case CURLE_OK:
            break
        case CURLE_OPERATION_TIMEDOUT:
            throw NewsletterError(
                "The feed at \(source) did not arrive within \(timeout) seconds (\(detail)); nothing was imported.",
                hint: "The site may be slow or the feed may never end; try again later or check the address.")
        case CURLE_TOO_MANY_REDIRECTS:
            throw NewsletterError(
                "The feed at \(source) redirects more than 5 times.", hint: "Use the address it finally ends at.")
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw NewsletterError("The feed at \(source) redirects to something other than http or https (\(detail)).")
        default:
            throw NewsletterError(
                "The feed at \(source) cannot be fetched: \(detail).", hint: "Check the address and the network.")
        }
        guard (200...299).contains(code) else {
            throw NewsletterError(
                "The server answered HTTP \(code) for \(source); nothing was imported.",
                hint: code == 404 ? "Check the feed's address on the website." : "Try again later.")
        }
        return sink.data
    }
}

/// Collects a download, refusing to grow past its limit.
private final class DownloadSink {
    private(set) var data = Data()
    private(set) var overflowed = false
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard data.count + bytes.count <= limit else {
            overflowed = true
            return false
        }
        data.append(contentsOf: bytes)
        return true
    }
}
