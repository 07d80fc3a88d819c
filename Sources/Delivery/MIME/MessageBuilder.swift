import Foundation

/// One message as it goes to the relay: headers, then a `multipart/alternative` body with the
/// text part first and the HTML part second, both UTF-8 and quoted-printable, every line ended
/// with CRLF.
struct OutgoingMessage {
    var fromName: String
    var fromAddress: String
    var toName: String?
    var toAddress: String
    var replyTo: String?
    var subject: String
    var date: Date
    var messageID: String
    /// `"Name" <list.domain>`.
    var listID: String
    var unsubscribeURL: String
    var unsubscribeMailto: String
    var text: String
    var html: String
    /// Unique to the message. It starts with `=_`, which quoted-printable text can never
    /// contain (an `=` there is always followed by two hex digits), so no part can end early.
    var boundary: String

    func bytes() -> [UInt8] {
        var head = ""
        head += HeaderEncoding.field("From", HeaderEncoding.mailbox(name: fromName, address: fromAddress))
        head += HeaderEncoding.field("To", HeaderEncoding.mailbox(name: toName, address: toAddress))
        if let replyTo { head += HeaderEncoding.field("Reply-To", replyTo) }
        head += HeaderEncoding.field("Subject", HeaderEncoding.unstructured(subject))
        head += HeaderEncoding.field("Date", RFC5322Date.format(date))
        head += HeaderEncoding.field("Message-ID", messageID)
        head += HeaderEncoding.field("MIME-Version", "1.0")
        head += HeaderEncoding.field("List-Id", listID)
        head += HeaderEncoding.field("List-Unsubscribe", "<\(unsubscribeURL)>, <\(unsubscribeMailto)>")
        // RFC 8058: mail clients may unsubscribe with one POST, without opening a page.
        head += HeaderEncoding.field("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        head += HeaderEncoding.field("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
        head += "\r\n"
        var output = Array(head.utf8)
        output.reserveCapacity(head.utf8.count + (text.utf8.count + html.utf8.count) * 11 / 10 + 512)
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            output.append(contentsOf: "--\(boundary)\r\nContent-Type: \(type); charset=UTF-8\r\n".utf8)
            output.append(contentsOf: "Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            QuotedPrintable.encode(body, into: &output)
            output.append(contentsOf: [13, 10])
        }
        output.append(contentsOf: "--\(boundary)--\r\n".utf8)
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
