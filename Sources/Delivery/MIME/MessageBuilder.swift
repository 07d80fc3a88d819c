import Foundation

/// The messages of one send: headers, then a `multipart/alternative` body with the text part
/// first and the HTML part second, both UTF-8 and quoted-printable, every line ended with CRLF.
/// The headers that are the same for every recipient are encoded once, here.
struct MessageLayout {
    /// From, Reply-To, Subject, MIME-Version, List-Id and List-Unsubscribe-Post, encoded.
    private let sharedHeaders: [UInt8]
    private let unsubscribeMailto: String

    init(
        fromName: String, fromAddress: String, replyTo: String?, subject: String, listID: String,
        unsubscribeMailto: String
    ) {
        var head = HeaderEncoding.field("From", HeaderEncoding.mailbox(name: fromName, address: fromAddress))
        if let replyTo { head += HeaderEncoding.field("Reply-To", replyTo) }
        head += HeaderEncoding.field("Subject", HeaderEncoding.unstructured(subject))
        head += HeaderEncoding.field("MIME-Version", "1.0")
        head += HeaderEncoding.field("List-Id", listID)
        // RFC 8058: mail clients may unsubscribe with one POST, without opening a page.
        head += HeaderEncoding.field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        sharedHeaders = Array(head.utf8)
        self.unsubscribeMailto = unsubscribeMailto
    }

    /// What differs from one recipient to the next.
    struct Personal {
        var toName: String?
        var toAddress: String
        var date: String
        var messageID: String
        var unsubscribeURL: String
        var text: Body
        var html: Body
        /// Unique to the message. It starts with `=_`, which quoted-printable text can never
        /// contain (an `=` there is always followed by two hex digits), so no part can end early.
        var boundary: String
    }

    /// A part's content: text to encode, or a writer of text already quoted-printable (so that
    /// a personalised part goes straight into the message, not through a copy of its own).
    enum Body {
        case plain(String)
        case encoded(sizeHint: Int, write: (inout [UInt8]) -> Void)

        var sizeHint: Int {
            switch self {
            case .plain(let text): text.utf8.count * 3
            case .encoded(let sizeHint, _): sizeHint
            }
        }
    }

    private static let partHeads = ["text/plain", "text/html"].map {
        Array("\r\nContent-Type: \($0); charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
    }

    /// The message, written into `buffer` (emptied first) when one is given: a sending thread
    /// hands the buffers of sent messages back, which saves allocating and freeing a
    /// message-sized block per message, across threads.
    func bytes(_ personal: Personal, reusing output: consuming [UInt8] = []) -> [UInt8] {
        output.removeAll(keepingCapacity: true)
        // Room for the worst case of quoted-printable (three bytes for one), so no part regrows it.
        output.reserveCapacity(sharedHeaders.count + personal.text.sizeHint + personal.html.sizeHint + 2048)
        output.append(contentsOf: sharedHeaders)
        HeaderEncoding.appendField(
            "To", HeaderEncoding.mailbox(name: personal.toName, address: personal.toAddress), to: &output)
        HeaderEncoding.appendField("Date", personal.date, to: &output)
        HeaderEncoding.appendField("Message-ID", personal.messageID, to: &output)
        HeaderEncoding.appendField(
            "List-Unsubscribe", "<\(personal.unsubscribeURL)>, <\(unsubscribeMailto)>", to: &output)
        HeaderEncoding.appendField(
            "Content-Type", "multipart/alternative; boundary=\"\(personal.boundary)\"", to: &output)
        output.append(contentsOf: [13, 10])
        for (body, partHead) in zip([personal.text, personal.html], Self.partHeads) {
            output.append(contentsOf: [0x2D, 0x2D])
            output.append(contentsOf: personal.boundary.utf8)
            output.append(contentsOf: partHead)
            switch body {
            case .plain(let text): QuotedPrintable.encode(text, into: &output)
            case .encoded(_, let write): write(&output)
            }
            output.append(contentsOf: [13, 10])
        }
        output.append(contentsOf: [0x2D, 0x2D])
        output.append(contentsOf: personal.boundary.utf8)
        output.append(contentsOf: [0x2D, 0x2D, 13, 10])
        return output
    }
}

/// `Sun, 29 Nov 2026 06:00:00 +0000`, in UTC, without a locale-dependent formatter.
enum RFC5322Date {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) +0000"
    }
}
