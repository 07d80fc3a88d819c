internal import CCurl
internal import CurlSupport
import Foundation

/// One SMTP connection through libcurl, kept open across messages: curl reuses the connection
/// of an easy handle, and reconnects by itself after the relay closes it. One recipient per
/// transfer, so each subscriber gets the relay's own reply. Not `Sendable`: each sending thread
/// owns one; `curl_easy_perform` blocks, so it never runs on Swift's cooperative pool.
final class SMTPConnection {
    private let curl: CurlEasy
    private var handle: UnsafeMutableRawPointer { curl.handle }
    private let endpoint: SMTPEndpoint
    private let transcript = ReplyTranscript()
    /// Its sockets, which another thread may cut (`OpenSockets.cutAll`).
    let sockets = OpenSockets()
    /// The envelope sender curl has now: set again only when it changes (with VERP, each
    /// message has its own; without, one serves the whole send).
    private var mailFrom: String?

    /// Sets libcurl up once per process, before any thread uses it.
    static func initializeLibrary() { CurlEasy.initializeLibrary() }

    init(endpoint: SMTPEndpoint) {
        // CurlEasy fails only when memory runs out.
        guard let curl = CurlEasy() else { preconditionFailure("libcurl could not allocate a handle") }
        self.curl = curl
        self.endpoint = endpoint
        configure()
    }

    private func configure() {
        curl.set(CURLOPT_URL, endpoint.curlURL)
        curl.set(CURLOPT_UPLOAD, 1)
        curl.set(CURLOPT_CONNECTTIMEOUT, endpoint.connectTimeout)
        curl.set(CURLOPT_TIMEOUT, endpoint.timeout)
        let tls: curl_usessl =
            switch endpoint.startTLS {
            case .required: CURLUSESSL_ALL
            case .optional: CURLUSESSL_TRY
            case .off: CURLUSESSL_NONE
            }
        curl.set(CURLOPT_USE_SSL, Int(tls.rawValue))
        if let caFile = endpoint.caFile { curl.set(CURLOPT_CAINFO, caFile) }
        if let username = endpoint.username { curl.set(CURLOPT_USERNAME, username) }
        if let password = endpoint.password { curl.set(CURLOPT_PASSWORD, password) }
        // The relay's reply lines, for the ledger: curl hands SMTP responses to the header
        // callback, as it does FTP ones (cheaper than its verbose mode, which formats every step).
        curl.set(CURLOPT_HEADERDATA, pointer: Unmanaged.passUnretained(transcript).toOpaque())
        cnl_curl_set_io_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return size * count }
            let transcript = Unmanaged<ReplyTranscript>.fromOpaque(context).takeUnretainedValue()
            transcript.record(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        let sockets = Unmanaged.passUnretained(sockets).toOpaque()
        curl.set(CURLOPT_SOCKOPTDATA, pointer: sockets)
        cnl_curl_set_sockopt_callback(handle) { context, socket, _ in
            guard let context else { return CURL_SOCKOPT_OK }
            let sockets = Unmanaged<OpenSockets>.fromOpaque(context).takeUnretainedValue()
            return sockets.opened(socket) ? CURL_SOCKOPT_OK : CURL_SOCKOPT_ERROR
        }
        curl.set(CURLOPT_CLOSESOCKETDATA, pointer: sockets)
        cnl_curl_set_closesocket_callback(handle) { context, socket in
            guard let context else { return close(socket) }
            return Unmanaged<OpenSockets>.fromOpaque(context).takeUnretainedValue().close(socket)
        }
        cnl_curl_set_io_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let upload = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
            return upload.read(into: buffer, capacity: size * count)
        }
    }

    /// Connects, greets, secures and logs in, and checks the relay answers a NOOP, before any
    /// message is claimed: a wrong password or a missing STARTTLS stops the send with nothing
    /// in flight, and the first messages do not pay for the handshake (which would bunch them).
    /// The connection stays open for the messages that follow.
    func open() -> SMTPOutcome {
        curl.set(CURLOPT_CUSTOMREQUEST, "NOOP")
        curl.set(CURLOPT_NOBODY, 1)
        curl.set(CURLOPT_UPLOAD, 0)
        defer {
            curl.set(CURLOPT_CUSTOMREQUEST, nil)
            curl.set(CURLOPT_NOBODY, 0)
            curl.set(CURLOPT_UPLOAD, 1)
        }
        transcript.reset()
        let status = curl.perform()
        let code = curl.responseCode
        // Before anything is sent, a relay that cannot be reached is a setting to fix, not a
        // deferral: say which URL, and what is likely wrong with it.
        if code == 0, let trouble = RelayTrouble.explain(status, detail: detail(status), url: endpoint.url) {
            return .fatal(trouble)
        }
        return classify(status, code: code)
    }

    /// Sends `message` from `sender` to `recipient`; blocks until the relay answers.
    func send(from sender: String, to recipient: String, message: [UInt8]) -> SMTPOutcome {
        let upload = UploadSource(message)
        guard let recipients = curl_slist_append(nil, "<\(recipient)>") else { return .fatal("out of memory") }
        defer { curl_slist_free_all(recipients) }
        if sender != mailFrom {
            curl.set(CURLOPT_MAIL_FROM, "<\(sender)>")
            mailFrom = sender
        }
        curl.set(CURLOPT_MAIL_RCPT, list: recipients)
        curl.set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(upload).toOpaque())
        curl.set(CURLOPT_INFILESIZE_LARGE, size: Int64(message.count))
        transcript.reset()
        let status = withExtendedLifetime(upload) { curl.perform() }
        let code = curl.responseCode
        let uploaded = curl.uploadedBytes
        let outcome = classify(status, code: code)
        // The whole message went out and then the connection failed without a reply: the relay
        // may have accepted it. (curl does not keep the 354 as the response code, so the bytes
        // sent tell; a message cut in the middle of DATA is not counted in full.)
        if case .deferred(0, let reply) = outcome, uploaded >= Int64(message.count),
            [CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT, CURLE_WEIRD_SERVER_REPLY].contains(status)
        {
            return .unconfirmed(reply: reply)
        }
        return outcome
    }

    private func classify(_ status: CURLcode, code: Int) -> SMTPOutcome {
        let reply = transcript.reply(withCode: code)
        // Made only when something went wrong: an accepted message has no use for it.
        var detail: String { self.detail(status) }
        switch status {
        case CURLE_OK:
            return .accepted(reply: reply.isEmpty ? "\(code)" : reply)
        case CURLE_LOGIN_DENIED where (200...299).contains(code):
            // Not a refusal. Either the relay offers only login methods curl does not know
            // (curl then sends none, and says so only in its verbose output), or it answered
            // the login with neither 235 (accepted) nor 535 (refused), as a sink that says 250
            // to everything does.
            return .fatal(
                "The login did not go through, though the relay refused nothing: it offers no login method that libcurl supports, or it answered the login with “\(reply.isEmpty ? "\(code)" : reply)”, where 235 accepts and 535 refuses. Check that smtp.url is the relay you mean, and leave out smtp.username if it needs no login."
            )
        case CURLE_LOGIN_DENIED:
            return .fatal("The relay refused the username or password (\(reply.isEmpty ? detail : reply)).")
        case CURLE_USE_SSL_FAILED:
            return .fatal("The relay does not offer STARTTLS, and TLS is required (\(detail)).")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .fatal("The relay's TLS certificate cannot be trusted (\(detail)).")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .fatal("The SMTP URL cannot be used (\(detail)).")
        default:
            let text = reply.isEmpty ? detail : reply
            switch code {
            case 500...599: return .rejected(code: code, reply: text)
            case 400...499: return .deferred(code: code, reply: text)
            default: return .deferred(code: 0, reply: "connection trouble: \(detail)")
            }
        }
    }
}

extension SMTPConnection {
    /// libcurl's words for the last failure.
    fileprivate func detail(_ status: CURLcode) -> String { curl.detail(status) }
}

/// The message bytes curl reads while uploading.
private final class UploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// The relay's reply lines during one transfer, such as `250 2.0.0 Ok: queued as 4F2A1`.
private final class ReplyTranscript {
    // One buffer of bytes, kept between transfers: every message has several reply lines,
    // and only one becomes text. The relay's lines end with CRLF; curl passes them whole.
    private var bytes: [UInt8] = []
    /// Enough for every line of an ordinary transfer; beyond it the oldest lines go.
    private static let limit = 16 * 1024

    func reset() { bytes.removeAll(keepingCapacity: true) }

    func record(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line.prefix(Self.limit))
        bytes.append(10)
        if bytes.count > Self.limit { bytes.removeFirst(bytes.count - Self.limit) }
    }

    /// The last line with this reply code: after a refused recipient curl says QUIT, and the
    /// relay's "221 Bye" is not the answer that matters.
    func reply(withCode code: Int) -> String {
        let prefix = String(code).utf8
        var last: ArraySlice<UInt8> = []
        var lastWithCode: ArraySlice<UInt8>?
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == 10 || bytes[index] == 13 {
            if index > start {
                last = bytes[start..<index]
                if last.starts(with: prefix) { lastWithCode = last }
            }
            start = index + 1
        }
        return String(decoding: (lastWithCode ?? last).prefix(500), as: UTF8.self)
    }
}
